import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../store/duckdb/database.ts';
import { openApp } from '../../app/context.ts';
import { importFiles } from '../index.ts';
import { installCoercions } from './macros.ts';

/**
 * Coercions audited on the values real exports write (EXPORTS.md, and what Chinese operators type into Excel).
 */

async function withCoercions(fn: (one: (sql: string, v: string) => Promise<unknown>) => Promise<void>): Promise<void> {
  const db = await Database.open(':memory:');
  try {
    await installCoercions(db);
    await fn(async (sql, v) => (await db.get<{ x: unknown }>(`select (${sql}) as x`, { v }))!.x);
  } finally {
    db.close();
  }
}

const province = `(select name from siyu_regions where kind = 'province' and key = siyu_region_key(siyu_clean($v)))`;
const city = `(select name || '|' || province || '|' || coalesce(tier, '') from siyu_regions where kind = 'city' and key = siyu_region_key(siyu_clean($v)))`;

test('given province and city names as exports write them, then each normalises to one name (and a city to its province and tier)', () => withCoercions(async (one) => {
  const provinces: [string, string][] = [
    ['上海', '上海市'], ['上海市', '上海市'], ['Shanghai', '上海市'], ['广西', '广西壮族自治区'], ['内蒙古自治区', '内蒙古自治区'], ['Inner Mongolia', '内蒙古自治区'],
    // Shopify's Province Code column and ISO 3166-2:CN, with and without the country.
    ['SH', '上海市'], ['GD', '广东省'], ['ZJ', '浙江省'], ['GX', '广西壮族自治区'], ['NM', '内蒙古自治区'], ['SN', '陕西省'], ['SX', '山西省'], ['XZ', '西藏自治区'],
    ['HK', '香港特别行政区'], ['CN-GD', '广东省'], ['cn-bj', '北京市'],
    ['Macao', '澳门特别行政区'], ['Macau', '澳门特别行政区'], ['Tibet', '西藏自治区'], ['Xizang', '西藏自治区'], ['Nei Mongol', '内蒙古自治区'],
  ];
  for (const [v, want] of provinces) assert.equal(await one(province, v), want, `province ${v}`);
  const cities: [string, string][] = [
    ['深圳', '深圳市|广东省|1'], ['深圳市', '深圳市|广东省|1'], ['Shenzhen', '深圳市|广东省|1'], ['shenzhen shi', '深圳市|广东省|1'],
    ["Xi'an", '西安市|陕西省|new1'], ['Xian', '西安市|陕西省|new1'], ['西安', '西安市|陕西省|new1'],
  ];
  for (const [v, want] of cities) assert.equal(await one(city, v), want, `city ${v}`);
}));

test('given a Shopify customers export whose city is not a known city, then the Province Code still gives the province', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-coerce-audit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    const header = 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags';
    const rows = [
      "'7001,Ann,Lee,ann@example.com,yes,,,,Zhaoqing,GD,CN,'526000,,,no,0.00,0,,no,",
      "'7002,Bob,Wu,bob@example.com,no,,,,Mianyang,SC,CN,'621000,,,no,0.00,0,,no,",
      "'7003,Cat,Ng,cat@example.com,no,,,,Xi'an,SN,CN,'710000,,,no,0.00,0,,no,",
    ];
    writeFileSync(join(dir, 'customers_export.csv'), [header, ...rows].join('\n') + '\n');
    const s = await importFiles(app, { entity: 'customers', files: [join(dir, 'customers_export.csv')], map: 'shopify-customers' });
    assert.deepEqual([s.imported, s.rejected], [3, 0]);
    assert.deepEqual(await app.warehouse.all(`select province, city, city_tier from customers order by id`), [
      { province: '广东省', city: 'Zhaoqing', city_tier: null },
      { province: '四川省', city: 'Mianyang', city_tier: null },
      { province: '陕西省', city: '西安市', city_tier: 'new1' },
    ]);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// ── Values the macros did not read before this audit. ──

/**
 * Fix (siyu_gender): add 男性 / 男士 to the male list, 女性 / 小姐 to the female list, 未设置 / 未填写 / 不详 to the
 * unknown list. Before it, a customers file writing 男性 / 女性 (CRM and WeChat-derived exports do) has every such row
 * rejected with `gender: not a gender`: the customer is lost, not just the gender.
 */
test('given genders written 男性 / 女性 / 男士 / 小姐 / 未设置 / 不详, then they read as male / female / unknown', () => withCoercions(async (one) => {
  const cases: [string, string][] = [['男性', 'male'], ['男士', 'male'], ['女性', 'female'], ['小姐', 'female'], ['未设置', 'unknown'], ['未填写', 'unknown'], ['不详', 'unknown']];
  for (const [v, want] of cases) assert.equal(await one('siyu_gender(siyu_clean($v))', v), want, v);
}));

/**
 * Fix (siyu_local_ts, the normalisation before the strptime list): read 2024.3.5 as 2024-3-5 (`regexp_replace(s,
 * '^(\d{4})\.(\d{1,2})\.(\d{1,2})', '\1-\2-\3')`, anchored so fractions and Excel serials keep their dot); turn 时 and
 * 分 into `:` and drop 秒 (then rtrim ':'); and read Excel's zh-CN 上午/下午 as AM/PM (move it after the time and add
 * '%Y-%m-%d %p%I:%M' / '%Y-%m-%d %I:%M %p' forms, or add 12 h to an hour below 12 after 下午/晚上).
 */
test('given dates as Chinese spreadsheets write them (2024.3.5, 14时03分, 下午2:03), then they read as the local time written', () => withCoercions(async (one) => {
  const local = (v: string) => one(`siyu_local_ts(siyu_clean($v))::varchar`, v);
  const cases: [string, string][] = [
    ['2024.3.5', '2024-03-05 00:00:00'], ['2024.03.05 14:03', '2024-03-05 14:03:00'],
    ['2024年03月05日 14时03分', '2024-03-05 14:03:00'], ['2024年3月5日 14时03分05秒', '2024-03-05 14:03:05'],
    ['2024/3/5 下午2:03', '2024-03-05 14:03:00'], ['2024/3/5 上午 9:03:00', '2024-03-05 09:03:00'], ['2024/3/5 下午 12:30', '2024-03-05 12:30:00'],
  ];
  for (const [v, want] of cases) assert.equal(await local(v), want, v);
  // What works already stays as it is (the fix must not read these differently).
  for (const [v, want] of [['45356.5', '2024-03-05 12:00:00'], ['2024-03-05 14:03:00.123', '2024-03-05 14:03:00.123'], ['2024年3月5日', '2024-03-05 00:00:00']]) assert.equal(await local(v), want, v);
}));

/**
 * Fix (siyu_amount): a value ending in 万 or 万元 is the number before it × 10 000 (`1.2万` = 12000.00), as reports and
 * member exports write large sums; before it, such a row is rejected `not an amount`.
 */
test('given amounts written in 万 (ten thousands), then they read as yuan', () => withCoercions(async (one) => {
  for (const [v, want] of [['1.2万', 12000], ['¥3.5万元', 35000], ['12万', 120000]] as [string, number][]) assert.equal(await one('siyu_amount(siyu_clean($v))', v), want, v);
  for (const [v, want] of [['¥1,234.50元', 1234.5], ['-¥50.00', -50], ['RMB 10', 10]] as [string, number][]) assert.equal(await one('siyu_amount(siyu_clean($v))', v), want, v);
}));
