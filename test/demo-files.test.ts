import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { generateDemo } from '../src/demo/generate.ts';
import { CANONICAL_HEADERS, SHOPIFY_ORDERS_HEADER, WECOM_CONTACTS_FIXED, YOUZAN_ORDERS_HEADER } from '../src/demo/write/layouts.ts';
import { ENTITIES, IDENTIFIER_COLUMNS, NAMESPACE_COLUMNS, type Entity } from '../src/ingest/canonical.ts';

const canonicalColumns = (e: Entity): string[] => [...ENTITIES[e].key, ...ENTITIES[e].columns, ...IDENTIFIER_COLUMNS, ...Object.values(NAMESPACE_COLUMNS)];

/**
 * The demo generator on its own: determinism, the real export layouts, and truth.json against the files.
 * Given 2,000 customers, seed 5.
 */
const root = mkdtempSync(join(tmpdir(), 'siyu-demo-files-'));
const N = 2000;
const gen = (seed: number, name: string) => generateDemo({ customers: N, seed, out: join(root, name) });
const a = await gen(5, 'a');
const truth = a.truth;
const dir = join(root, 'a');
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const csv = (f: string, encoding: 'utf8' | 'gbk' = 'utf8'): Record<string, string>[] => {
  const raw = readFileSync(join(dir, f));
  const s = encoding === 'gbk' ? iconv.decode(raw, 'gbk') : raw.toString('utf8').replace(/^\uFEFF/, '');
  return parse(s, { columns: (h: string[]) => h.map((x, i) => (h.indexOf(x) === i ? x : `${x}#${i}`)), skip_empty_lines: true, relax_column_count: true });
};
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

test.after(() => rmSync(root, { recursive: true, force: true }));

test('given the same seed, every file is byte-identical; a different seed gives different people', async () => {
  await gen(5, 'b');
  await gen(6, 'c');
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 17);
  for (const f of files) assert.equal(sha(join(root, 'b', f)), sha(join(dir, f)), `${f} differs between two runs with seed 5`);
  assert.notEqual(sha(join(root, 'c', 'members.csv')), sha(join(dir, 'members.csv')));
  assert.notEqual(sha(join(root, 'c', 'wecom-contacts.xlsx')), sha(join(dir, 'wecom-contacts.xlsx')));
});

/** The header line of an EXPORTS.md section's first code block (skips when shared/formats is absent). */
function exportsHeader(section: string): string[] | null {
  const p = join(import.meta.dirname, '..', '..', 'shared', 'formats', 'EXPORTS.md');
  if (!existsSync(p)) return null;
  const md = readFileSync(p, 'utf8');
  const at = md.indexOf(`### ${section}`);
  const block = md.slice(md.indexOf('```', at) + 3);
  return block.slice(0, block.indexOf('```')).trim().split('\n')[0].split(',');
}

test('the POS export is GBK in the Youzan 订单维度 layout (60 columns, 分销员 twice)', (t) => {
  const raw = readFileSync(join(dir, 'pos-orders-youzan.csv'));
  assert.notDeepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(raw.toString('utf8').includes('\uFFFD'), 'GBK bytes are not valid UTF-8');
  assert.ok(!iconv.decode(raw, 'gbk').includes('?'), 'every character was encodable in GBK');
  const header = iconv.decode(raw, 'gbk').split('\r\n')[0].split(',');
  assert.deepEqual(header, YOUZAN_ORDERS_HEADER);
  assert.equal(header.length, 60);
  assert.equal(header.filter((h) => h === '分销员').length, 2);
  const expected = exportsHeader('1a');
  if (!expected) t.diagnostic('../shared/formats/EXPORTS.md absent: header compared with layouts.ts only');
  else assert.deepEqual(header, expected);
  const rows = csv('pos-orders-youzan.csv', 'gbk');
  const pos = rows.filter((r) => r['销售渠道'] === '线下门店');
  assert.ok(pos.length > 0 && pos.every((r) => r['下单网点'] !== '' || r['订单号'] === '' || r['订单号'].startsWith('EBAD')));
});

test('the e-commerce export is UTF-8 with BOM in the Shopify layout, one row per line item', (t) => {
  const raw = readFileSync(join(dir, 'shop-orders-shopify.csv'));
  assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const header = raw.toString('utf8').slice(1).split('\r\n')[0].split(',');
  assert.deepEqual(header, SHOPIFY_ORDERS_HEADER);
  const expected = exportsHeader('2a');
  if (!expected) t.diagnostic('../shared/formats/EXPORTS.md absent');
  else assert.deepEqual(header, expected);
  const rows = csv('shop-orders-shopify.csv');
  const firsts = rows.filter((r) => r['Created at'] !== '');
  const continuation = rows.filter((r) => r['Created at'] === '');
  assert.ok(continuation.length > 0 && continuation.every((r) => r['Total'] === '' && r['Lineitem sku'] !== ''));
  assert.equal(new Set(rows.map((r) => r.Name)).size, firsts.length);
  assert.ok(firsts.every((r) => r.Phone.startsWith("'")));
  assert.equal(rows.length, truth.orders.lines_by_file['shop-orders-shopify.csv'] + truth.dirt.malformed_rows['shop-orders-shopify.csv'].rows);
});

test('the WeCom contacts export is an XLSX sheet in the 客户联系 layout', async (t) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(dir, 'wecom-contacts.xlsx'));
  const sheet = wb.worksheets[0];
  const header = (sheet.getRow(1).values as string[]).slice(1);
  assert.deepEqual(header.slice(0, 13), WECOM_CONTACTS_FIXED);
  assert.ok(header.slice(13).every((h) => /^标签组\d+\(.+\)$/.test(h)));
  const expected = exportsHeader('3a');
  if (!expected) t.diagnostic('../shared/formats/EXPORTS.md absent');
  else assert.deepEqual(header.slice(0, 13), expected.slice(0, 13));
  assert.equal(sheet.rowCount - 1, truth.contacts.rows + truth.dirt.malformed_rows['wecom-contacts.xlsx'].rows);
});

test('canonical files use only canonical column names', () => {
  const entities: Record<string, Entity> = { 'stores.csv': 'stores', 'staff.csv': 'staff', 'products.csv': 'products', 'members.csv': 'customers', 'order-lines.csv': 'order_lines', 'content.csv': 'content', 'groups.csv': 'groups', 'group-members.csv': 'group_members', 'campaigns.csv': 'campaigns', 'campaign-members.csv': 'campaign_members', 'coupons.csv': 'coupons', 'consents.csv': 'consents' };
  for (const [f, entity] of Object.entries(entities)) {
    const header = text(f).split('\r\n')[0].split(',');
    const known = new Set(canonicalColumns(entity));
    assert.deepEqual(header.filter((h) => !known.has(h)), [], `${f}: columns unknown to ${entity}`);
  }
  const ev = JSON.parse(text('mini-program-events.jsonl').split('\n')[0]);
  const known = new Set(canonicalColumns('events'));
  assert.deepEqual(Object.keys(ev).filter((k) => !known.has(k)), []);
  assert.deepEqual(Object.keys(CANONICAL_HEADERS).length, 12);
});

test('truth.json counts what the files hold', () => {
  const members = csv('members.csv');
  const bad = truth.dirt.malformed_rows;
  assert.equal(members.length, truth.people.member_records + bad['members.csv'].rows);
  // Union the member records by normalised phone and by unionid: the components are the distinct people.
  const parent = members.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const seen = new Map<string, number>();
  const valid = members.map((r, i) => ({ r, i })).filter(({ r }) => r.member_no !== '');
  for (const { r, i } of valid) {
    const digits = r.phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
    for (const key of [digits && `p:${digits}`, r.unionid && `u:${r.unionid}`]) {
      if (!key) continue;
      const j = seen.get(key);
      if (j === undefined) seen.set(key, i);
      else parent[find(i)] = find(j);
    }
  }
  const people = new Set(valid.map(({ i }) => find(i))).size;
  assert.equal(people, truth.people.distinct);
  assert.equal(people, N);
  assert.equal(valid.length - people, truth.people.planted_duplicate_records);
  // Phones by format in the member list.
  const fmt = (p: string) => (p === '' ? null : /^\+86 \d{3} \d{4} \d{4}$/.test(p) ? 'spaced_plus86' : /^\d{3}-\d{4}-\d{4}$/.test(p) ? 'dashed' : /^86\d{11}$/.test(p) ? 'prefix86' : /^\+86\d{11}$/.test(p) ? 'plus86' : /^1\d{10}$/.test(p) ? 'plain' : 'other');
  const byFormat: Record<string, number> = {};
  for (const { r } of valid) {
    const f = fmt(r.phone);
    if (f) byFormat[f] = (byFormat[f] ?? 0) + 1;
  }
  assert.deepEqual(byFormat, truth.dirt.phones_by_file_and_format['members.csv']);
  assert.ok(Object.keys(byFormat).length === 5);
  assert.equal(valid.reduce((n, { r }) => n + Number(r.province === '上海市') + Number(r.city === '上海市'), 0), truth.dirt.other['members.csv'].shanghai_shi);
  // Minors under 14 at the end of the window, by birthday.
  const end = new Date(`${truth.window.end}T00:00:00Z`);
  const age = (b: string) => { const d = new Date(`${b}T00:00:00Z`); let y = end.getUTCFullYear() - d.getUTCFullYear(); if (end < new Date(Date.UTC(end.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))) y--; return y; };
  const primary = members.filter((r) => r.member_no.startsWith('SL'));
  assert.equal(primary.filter((r) => r.birthday && age(r.birthday) < 14).length, truth.people.minors_under_14.total);
  assert.ok(truth.people.minors_under_14.total > 0 && truth.people.minors_under_14.with_guardian_consent > 0 && truth.people.minors_under_14.without_guardian_consent > 0);
  // Orders, lines, events.
  const yz = csv('pos-orders-youzan.csv', 'gbk');
  assert.equal(yz.length, truth.orders.by_file['pos-orders-youzan.csv'] + bad['pos-orders-youzan.csv'].rows);
  const lines = csv('order-lines.csv');
  assert.equal(lines.length, truth.orders.lines_by_file['order-lines.csv'] + bad['order-lines.csv'].rows);
  const events = text('mini-program-events.jsonl').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(events.length, truth.events.total + bad['mini-program-events.jsonl'].rows);
  const byType: Record<string, number> = {};
  for (const e of events) if (e.type && e.occurred_at !== 'yesterday') byType[e.type] = (byType[e.type] ?? 0) + 1;
  assert.deepEqual(byType, truth.events.by_type);
  assert.equal(truth.orders.total, truth.orders.by_file['pos-orders-youzan.csv'] + truth.orders.by_file['shop-orders-shopify.csv']);
  // Consents: the latest status per member and purpose.
  const latest = new Map<string, string>();
  for (const c of csv('consents.csv')) if (c.status !== 'maybe') latest.set(`${c.member_no}|${c.purpose}`, c.status);
  for (const purpose of ['analytics', 'marketing_sms', 'guardian']) {
    const n = [...latest.entries()].filter(([k, s]) => k.endsWith(`|${purpose}`) && s === 'granted').length;
    assert.equal(n, truth.consents[purpose].current, purpose);
  }
  // Planted rates are met within sampling error (N = 2,000).
  assert.ok(Math.abs(truth.funnel.view_to_cart - 0.3) < 0.03);
  assert.ok(Math.abs(truth.funnel.cart_to_order - 0.5) < 0.04);
  assert.ok(Math.abs(truth.consents.analytics.rate - truth.consents.analytics.planted_rate) < 0.03);
  assert.ok(Math.abs(truth.gamma_gamma_sample.mean_paid_per_natural_order_yuan - 150) < 15);
});
