import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** `siyu demo` from the command line: files only (--no-load), JSON summary, and the user errors. */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });

test('given --no-load --out, siyu demo writes the files and truth.json and prints a JSON summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-demo-cli-'));
  try {
    const out = join(dir, 'files');
    const r = run(dir, 'demo', '--customers', '300', '--seed', '3', '--out', out, '--no-load', '--json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.generated.distinctPeople, 300);
    assert.equal(s.loaded, null);
    assert.equal(s.out, out);
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
    assert.equal(truth.people.distinct, 300);
    assert.equal(truth.seed, 3);
    assert.equal(s.generated.plantedDuplicates, truth.people.planted_duplicate_records);
    for (const f of ['pos-orders-youzan.csv', 'shop-orders-shopify.csv', 'wecom-contacts.xlsx', 'mini-program-events.jsonl', 'members.csv']) assert.ok(existsSync(join(out, f)), f);
    assert.ok(!existsSync(join(dir, 'siyu.duckdb')), 'nothing loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad arguments are one-line user errors (exit 1) in English and 中文', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-demo-cli-'));
  try {
    const a = run(dir, 'demo', '--customers', 'many', '--no-load');
    assert.equal(a.status, 1);
    assert.match(a.stderr, /--customers must be a whole number/);
    assert.match(a.stderr, /整数/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
