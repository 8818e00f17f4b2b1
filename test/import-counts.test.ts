import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

type Summary = { rows: number; imported: number; updated: number; unchanged: number; rejected: number };

/** `siyu import` as a user runs it: the --json summary, and the line the human output prints for the entity. */
function run(store: string, dir: string, entity: string, name: string, text: string): { json: Summary; human: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const env = { ...process.env, SIYU_DATA_DIR: store };
  const j = spawnSync(process.execPath, [bin, 'import', entity, file, '--json', '--dry-run'], { env, encoding: 'utf8' });
  assert.equal(j.status, 0, j.stderr);
  const h = spawnSync(process.execPath, [bin, 'import', entity, file], { env, encoding: 'utf8' });
  assert.equal(h.status, 0, h.stderr);
  const line = h.stdout.split('\n').find((l) => l.startsWith(`${entity}: `)) ?? '';
  return { json: JSON.parse(j.stdout) as Summary, human: line };
}

const counts = (s: Summary) => [s.rows, s.imported, s.updated, s.unchanged, s.rejected];

// Re-importing campaign_members with changed arms said "0 imported, 64000 unchanged".
test('given memberships, products, staff and customers imported, when a file changes some of them, then those rows are counted updated (rows = imported + updated + unchanged + rejected), and the same file again changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-counts-'));
  const store = join(dir, 'store');
  try {
    const members = (arms: string[]) => ['campaign_id,member_no,arm,assigned_at', ...arms.map((a, i) => `C1,M${i},${a},2024-03-01`)].join('\n') + '\n';
    const first = run(store, dir, 'campaign_members', 'm1.csv', members(Array(10).fill('treatment')));
    assert.deepEqual(counts(first.json), [10, 10, 0, 0, 0]);
    const changed = members([...Array(6).fill('treatment'), ...Array(4).fill('holdout')]);
    const second = run(store, dir, 'campaign_members', 'm2.csv', changed);
    assert.deepEqual(counts(second.json), [10, 0, 4, 6, 0]);
    assert.match(second.human, /^campaign_members: 0 imported, 4 updated, 6 unchanged, 0 rejected/);
    assert.deepEqual(counts(run(store, dir, 'campaign_members', 'm3.csv', changed).json), [10, 0, 0, 10, 0]);

    run(store, dir, 'products', 'p1.csv', 'sku,name,price\nT1,Tea,10\nT2,Cup,20\nT3,Pot,30\n');
    // A new product, a new price, an empty cell (keeps what is stored: unchanged) and the same values.
    const p = run(store, dir, 'products', 'p2.csv', 'sku,name,price\nT1,Tea,12\nT2,Cup,\nT3,Pot,30\nT4,Box,5\n');
    assert.deepEqual(counts(p.json), [4, 1, 1, 2, 0]);

    run(store, dir, 'staff', 's1.csv', 'code,name,store_code\nG1,王芳,S1\nG2,陈晨,S1\n');
    assert.deepEqual(counts(run(store, dir, 'staff', 's2.csv', 'code,name,store_code\nG1,王芳,S2\nG2,陈晨晨,S1\nG3,李雷,S1\n').json), [3, 1, 2, 0, 0]);
    assert.deepEqual(counts(run(store, dir, 'staff', 's3.csv', 'code,name,store_code\nG1,王芳,S2\nG2,陈晨晨,S1\nG3,李雷,S1\n').json), [3, 0, 0, 3, 0]);

    // Customers: M0…M9 exist (the memberships made them); a new one is imported, a new city is an update.
    const c = run(store, dir, 'customers', 'c1.csv', 'member_no,city\nM0,上海\nM1,\nM20,北京\n');
    assert.deepEqual(counts(c.json), [3, 1, 1, 1, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
