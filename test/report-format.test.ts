// The report's number formats, every magnitude from ¥0.01 to ¥10亿 in both languages, with the exact strings.
// Issue #18 item 1: trim() stripped zeros off whole numbers ("¥63k" for ¥630k, "11万" for 110万, "1万" for 1,000,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtChange, fmtCount, fmtCountExact, fmtP, fmtPct, fmtPp, fmtYuan, fmtYuanExact } from '../src/report/format.ts';

const YUAN: [number, string, string, string][] = [
  // amount, zh sentence, en sentence, exact (tiles and tables)
  [0, '¥0', '¥0', '¥0.00'],
  [0.01, '¥0.01', '¥0.01', '¥0.01'],
  [0.1, '¥0.10', '¥0.10', '¥0.10'],
  [1, '¥1', '¥1', '¥1.00'],
  [9.99, '¥9.99', '¥9.99', '¥9.99'],
  [85.5, '¥85.50', '¥85.50', '¥85.50'],
  [100, '¥100', '¥100', '¥100.00'],
  [999.99, '¥999.99', '¥999.99', '¥999.99'],
  [1000, '¥1,000', '¥1,000', '¥1,000'],
  [2000, '¥2,000', '¥2,000', '¥2,000'],
  [9999.99, '¥9,999.99', '¥9,999.99', '¥10,000'],
  [10000, '¥1万', '¥10k', '¥10,000'],
  [12345, '¥1.23万', '¥12.3k', '¥12,345'],
  [99999, '¥10万', '¥100k', '¥99,999'],
  [110000, '¥11万', '¥110k', '¥110,000'],
  [200000, '¥20万', '¥200k', '¥200,000'],
  [368000, '¥36.8万', '¥368k', '¥368,000'],
  [630000, '¥63万', '¥630k', '¥630,000'],
  [632145.49, '¥63.21万', '¥632k', '¥632,145'],
  [999999, '¥100万', '¥1M', '¥999,999'],
  [1000000, '¥100万', '¥1M', '¥1,000,000'],
  [1100000, '¥110万', '¥1.1M', '¥1,100,000'],
  [1234567, '¥123.46万', '¥1.23M', '¥1,234,567'],
  [9999999, '¥1000万', '¥10M', '¥9,999,999'],
  [10000000, '¥1000万', '¥10M', '¥10,000,000'],
  [12345678, '¥1234.57万', '¥12.3M', '¥12,345,678'],
  [99999999, '¥1亿', '¥100M', '¥99,999,999'],
  [100000000, '¥1亿', '¥100M', '¥100,000,000'],
  [110000000, '¥1.1亿', '¥110M', '¥110,000,000'],
  [123456789, '¥1.23亿', '¥123M', '¥123,456,789'],
  [1000000000, '¥10亿', '¥1B', '¥1,000,000,000'],
  [-630000, '-¥63万', '-¥630k', '-¥630,000'],
  [-12.5, '-¥12.50', '-¥12.50', '-¥12.50'],
];

test('amounts: every magnitude from ¥0.01 to ¥10亿, zh and en, sentence and exact', () => {
  const wrong: string[] = [];
  for (const [n, zh, en, exact] of YUAN) {
    if (fmtYuan(n, 'zh') !== zh) wrong.push(`fmtYuan(${n}, zh) = ${fmtYuan(n, 'zh')}, want ${zh}`);
    if (fmtYuan(n, 'en') !== en) wrong.push(`fmtYuan(${n}, en) = ${fmtYuan(n, 'en')}, want ${en}`);
    if (fmtYuanExact(n) !== exact) wrong.push(`fmtYuanExact(${n}) = ${fmtYuanExact(n)}, want ${exact}`);
  }
  assert.deepEqual(wrong, []);
});

const COUNTS: [number, string, string, string][] = [
  // count, zh sentence, en sentence, exact
  [0, '0', '0', '0'],
  [1, '1', '1', '1'],
  [10, '10', '10', '10'],
  [100, '100', '100', '100'],
  [999, '999', '999', '999'],
  [1234.4, '1,234', '1,234', '1,234'],
  [9999, '9,999', '9,999', '9,999'],
  [9999.6, '1万', '10,000', '10,000'],
  [10000, '1万', '10,000', '10,000'],
  [23570, '2.36万', '23,570', '23,570'],
  [110000, '11万', '110,000', '110,000'],
  [1000000, '100万', '1,000,000', '1,000,000'],
  [10000000, '1000万', '10,000,000', '10,000,000'],
  [100000000, '1亿', '100,000,000', '100,000,000'],
  [1000000000, '10亿', '1,000,000,000', '1,000,000,000'],
  [-20000, '-2万', '-20,000', '-20,000'],
];

test('counts: zh in 万 / 亿 from ten thousand up, en and exact grouped in full', () => {
  const wrong: string[] = [];
  for (const [n, zh, en, exact] of COUNTS) {
    if (fmtCount(n, 'zh') !== zh) wrong.push(`fmtCount(${n}, zh) = ${fmtCount(n, 'zh')}, want ${zh}`);
    if (fmtCount(n, 'en') !== en) wrong.push(`fmtCount(${n}, en) = ${fmtCount(n, 'en')}, want ${en}`);
    if (fmtCountExact(n) !== exact) wrong.push(`fmtCountExact(${n}) = ${fmtCountExact(n)}, want ${exact}`);
  }
  assert.deepEqual(wrong, []);
});

test('percentages, changes, percentage points and p-values', () => {
  const cases: [string, string][] = [
    [fmtPct(0), '0.0%'], [fmtPct(0.1234), '12.3%'], [fmtPct(1), '100.0%'], [fmtPct(0.00049), '0.0%'], [fmtPct(-0.0001), '0.0%'],
    [fmtPct(0.5, 0), '50%'], [fmtPct(0.105), '10.5%'], [fmtPct(2.5), '250.0%'], [fmtPct(Number.NaN), '—'],
    [fmtChange(null), '—'], [fmtChange(undefined), '—'], [fmtChange(Number.POSITIVE_INFINITY), '—'], [fmtChange(0), '0.0%'],
    [fmtChange(0.1234), '+12.3%'], [fmtChange(-0.347), '-34.7%'], [fmtChange(-0.00001), '0.0%'], [fmtChange(10), '+1000.0%'],
    [fmtPp(0.032, 'zh'), '+3.2个百分点'], [fmtPp(-0.032, 'en'), '-3.2 pp'], [fmtPp(0, 'en'), '0.0 pp'],
    [fmtP(0.0004), 'p < 0.001'], [fmtP(0.0312), 'p = 0.031'], [fmtP(1), 'p = 1.000'],
  ];
  assert.deepEqual(cases.map(([got]) => got), cases.map(([, want]) => want));
});
