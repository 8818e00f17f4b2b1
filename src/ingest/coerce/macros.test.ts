import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../store/duckdb/database.ts';
import { installCoercions } from './macros.ts';

/**
 * The coercion macros on the values real exports write. The fast paths (a value that needs no cleaning, a plain
 * number) must give exactly what the full expressions give.
 */
test('siyu_clean, siyu_amount, siyu_int and siyu_local_day read export values exactly', async () => {
  const db = await Database.open(':memory:');
  try {
    await installCoercions(db);
    const one = async (sql: string, v: string | null) => (await db.get<{ x: unknown }>(`select ${sql} as x`, { v }))!.x;
    const clean: [string | null, string | null][] = [
      ['abc', 'abc'], ['  abc ', 'abc'], ['="123"', '123'], ["'13812345678", '13812345678'], ["''x", 'x'], ['——', null], ['--', null], ['-', null],
      ['', null], [' ', null], [null, null], ['-12.5', '-12.5'], ['a b', 'a b'], ['上海', '上海'],
    ];
    for (const [v, want] of clean) assert.equal(await one('siyu_clean($v)', v as string), want, `siyu_clean(${JSON.stringify(v)})`);
    const amount: [string, number | null][] = [['12.5', 12.5], ['¥1,234.50', 1234.5], ['1,234元', 1234], ['RMB 99', 99], ['12.345', 12.35], ['abc', null], ['￥0', 0], ['-3', -3]];
    for (const [v, want] of amount) assert.equal(await one('siyu_amount($v)', v), want, `siyu_amount(${v})`);
    const int: [string, number | null][] = [['3', 3], ['1.0', 1], ['1.5', null], ['1,000件', 1000], ['2个', 2], ['x', null], ['-4', -4]];
    for (const [v, want] of int) assert.equal(await one('siyu_int($v)', v), want === null ? null : want, `siyu_int(${v})`);
    // The local day of a time written without an offset is the day as written; with one, the day in the zone.
    const day = (v: string) => one(`siyu_local_day($v, siyu_local_ts($v), siyu_utc($v, siyu_local_ts($v), 'Asia/Shanghai'), 'Asia/Shanghai')::varchar`, v);
    assert.equal(await day('2024-03-05 23:30:00'), '2024-03-05');
    assert.equal(await day('2024年3月5日'), '2024-03-05');
    assert.equal(await day('2024-03-05T20:00:00Z'), '2024-03-06');
    assert.equal(await day('2024-03-05T20:00:00+08:00'), '2024-03-05');
  } finally {
    db.close();
  }
});
