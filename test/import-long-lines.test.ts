import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function importCli(store: string, file: string) {
  const r = spawnSync(process.execPath, [bin, 'import', 'customers', file, '--json'], { env: { ...process.env, SIYU_DATA_DIR: store }, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { rows: number; imported: number; rejected: number; files: { quarantine: string; reasons: Record<string, number> }[] };
}

const quarantined = (path: string) => (parse(readFileSync(path, 'utf8'), { bom: true }) as string[][]).slice(1).map((r) => [r[1], r[3]]);

// A line over 64 MiB was lost without a trace (rows: 3, imported: 3, rejected: 0, no quarantine); one of 5 MiB was
// rejected. Every line is imported or quarantined, and the lines below keep their numbers.
test('given a CSV (LF or CRLF) or JSON Lines file with a 70 MiB line among good ones, then that line is quarantined with its number and every other line is imported or quarantined as it deserves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-longline-'));
  try {
    const huge = 'x'.repeat(70 * 1024 * 1024);
    for (const eol of ['\n', '\r\n']) {
      const file = join(dir, `members${eol.length}.csv`);
      writeFileSync(file, ['member_no,phone,birthday', 'M1,13800000001,1990-01-01', `M2,13800000002,${huge}`, 'M3,13800000003,1991-02-02', 'M4,13800000004,not a day', 'M5,13800000005,1992-03-03', ''].join(eol));
      const s = importCli(join(dir, `store${eol.length}`), file);
      assert.deepEqual([s.rows, s.imported, s.rejected], [5, 3, 2]);
      assert.deepEqual(quarantined(s.files[0].quarantine), [['3', 'line longer than 4 MiB'], ['5', 'not a date']]);
    }
    const jsonl = join(dir, 'members.jsonl');
    writeFileSync(jsonl, [JSON.stringify({ member_no: 'M1', phone: '13800000001' }), JSON.stringify({ member_no: 'M2', name: huge }), '{"member_no": broken', JSON.stringify({ member_no: 'M4', phone: '13800000004' }), ''].join('\n'));
    const j = importCli(join(dir, 'storej'), jsonl);
    assert.deepEqual([j.rows, j.imported, j.rejected], [4, 2, 2]);
    assert.deepEqual(quarantined(j.files[0].quarantine), [['2', 'line longer than 4 MiB'], ['3', 'not valid JSON (a broken or cut line)']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
