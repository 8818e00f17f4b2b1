import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../app/context.ts';
import { importFiles, importFileByFile } from './index.ts';
import { isUserError } from '../errors.ts';
import { resolveBatch, saveRules, loadRules } from '../identity/index.ts';
import { qualityReport } from './quality/index.ts';

async function withStore(fn: (app: App, file: (name: string, text: string) => string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-reg-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    await fn(app, (name, text) => (writeFileSync(join(dir, name), text), join(dir, name)));
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('given order lines without a line_no column, when imported twice, then lines are numbered 1, 2, … per order and the second run changes nothing', () => withStore(async (app, file) => {
  const f = file('lines.csv', 'order_id,sku,quantity,amount\nO1,A,1,10\nO1,B,2,20\nO2,A,1,10\n');
  const s = await importFiles(app, { entity: 'order_lines', files: [f] });
  assert.deepEqual([s.imported, s.unchanged, s.rejected], [3, 0, 0]);
  assert.deepEqual(await app.warehouse.all(`select order_id, line_no, sku from order_lines order by order_id, line_no`), [
    { order_id: 'O1', line_no: 1, sku: 'A' }, { order_id: 'O1', line_no: 2, sku: 'B' }, { order_id: 'O2', line_no: 1, sku: 'A' },
  ]);
  const again = await importFiles(app, { entity: 'order_lines', files: [f] });
  assert.deepEqual([again.imported, again.unchanged], [0, 3]);
}));

test('given merge rules saved once, when saved again, then the upsert replaces them', () => withStore(async (app) => {
  await saveRules(app, ['phone', 'member_no'], ['phone']);
  await saveRules(app, ['unionid', 'phone', 'member_no'], ['unionid', 'phone']);
  assert.deepEqual(await loadRules(app), { priority: ['unionid', 'phone', 'member_no'], unique: ['unionid', 'phone'] });
}));

test('given a customers file with a conflict, then imported + updated + unchanged + rejected = rows, and a re-import counts every good row unchanged', () => withStore(async (app, file) => {
  await importFiles(app, { entity: 'customers', files: [file('a.csv', 'member_no,phone\nM1,13800000001\n')] });
  // U1 with the known phone, then U1 with another phone: the second link is a conflict and creates a customer.
  const f = file('c.csv', 'unionid,phone,gender\nU1,13800000001,女\nU1,13900000009,男\n,13700000007,\n');
  const s = await importFiles(app, { entity: 'customers', files: [f] });
  // Rows 1 and 2 name the stored customer (by the phone, by the unionid it gained): updated; row 3 a new one: imported.
  assert.deepEqual([s.rows, s.imported, s.updated, s.unchanged, s.rejected, s.identity.customersCreated, s.identity.conflicts], [3, 1, 2, 0, 0, 2, 1]);
  const again = await importFiles(app, { entity: 'customers', files: [f] });
  assert.deepEqual([again.rows, again.imported, again.updated, again.unchanged, again.rejected, again.identity.customersCreated], [3, 0, 0, 3, 0, 0]);
}));

test('given a Youzan orders export naming guides and cashiers, then names become staff codes (by name, or a keyed pseudonym) and never land in plaintext', () => withStore(async (app, file) => {
  await importFiles(app, { entity: 'staff', files: [file('staff.csv', 'code,name,store_code\nG07,王芳,S01\n')] });
  const yz = '订单号,销售渠道,订单状态,订单创建时间,订单实付金额,买家手机号,下单网点,销售导购,收银员\n'
    + 'E1,线下门店,交易成功,2026-05-05 15:30:00,199.00,13800000002,S01,王芳,\n'
    + 'E2,线下门店,交易成功,2026-05-06 15:30:00,99.00,13800000002,S01,,李 雷\n'
    + 'E3,线下门店,交易成功,2026-05-07 15:30:00,59.00,13800000002,S01,G08,\n';
  const s = await importFiles(app, { entity: 'orders', files: [file('yz.csv', yz)], map: 'youzan-orders' });
  assert.equal(s.imported, 3);
  const codes = await app.warehouse.all<{ order_id: string; staff_code: string }>(`select order_id, staff_code from orders order by order_id`);
  assert.equal(codes[0].staff_code, 'G07', 'a known guide resolves to her code');
  assert.match(codes[1].staff_code, /^staff:[0-9a-f]{12}$/, 'an unknown name becomes a keyed pseudonym');
  assert.equal(codes[2].staff_code, 'G08', 'a code stays a code');
  const leaked = await app.warehouse.scalar(`select count(*) from orders where staff_code like '%李%' or staff_code like '%王%'`);
  assert.equal(leaked, 0);
}));

test('given live records with traits, when resolved, then the traits join the customer', () => withStore(async (app) => {
  const [c] = await resolveBatch(app, [{ identifiers: [{ type: 'phone', value: '13800000001' }], source: 'web', traits: { plan: 'gold', city: 'sh' } }]);
  await resolveBatch(app, [{ identifiers: [{ type: 'phone', value: '13800000001' }], source: 'web', traits: { plan: 'silver' } }]);
  assert.deepEqual(JSON.parse(String(await app.warehouse.scalar(`select count(*) from customers`))), 1);
  const t = await app.warehouse.get<{ t: string }>(`select traits::varchar as t from customers where id = $id`, { id: c });
  assert.deepEqual(JSON.parse(t!.t), { plan: 'silver', city: 'sh' });
}));

test('given an import memory cap too small even after three doublings, then the import fails with a clear error, applies nothing and restores the cap', () => withStore(async (app, file) => {
  const before = (await app.warehouse.get<{ m: string }>(`select current_setting('memory_limit') as m`))?.m;
  // ≈ 40 MB of text: the reader wants a buffer of the file's size, more than 4 MB doubled three times.
  const o = file('o.csv', 'order_id,member_no,ordered_at,gross_amount\n' + Array.from({ length: 1_100_000 }, (_, i) => `O${i},M${i % 1000},2024-03-0${1 + (i % 9)},10\n`).join(''));
  process.env.SIYU_IMPORT_MEMORY_LIMIT = '4MB';
  try {
    await assert.rejects(importFiles(app, { entity: 'orders', files: [o] }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'import_out_of_memory', e.message);
      assert.match(e.message, /o\.csv was not imported: .*SIYU_IMPORT_MEMORY_LIMIT=4MB/);
      return true;
    });
  } finally {
    delete process.env.SIYU_IMPORT_MEMORY_LIMIT;
  }
  assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 0);
  // The cap is restored (DuckDB prints it rounded to 0.1 GiB, and reads back what it printed).
  const gib = (m?: string) => Number(/^([\d.]+) GiB$/.exec(m ?? '')?.[1]);
  assert.ok(Math.abs(gib((await app.warehouse.get<{ m: string }>(`select current_setting('memory_limit') as m`))?.m) - gib(before)) < 0.15);
}));

test('given a consents file with a purpose the policy does not know, then that row is rejected naming the purpose column, and sensitive_id_card is a purpose', () => withStore(async (app, file) => {
  const f = file('consents.csv', 'member_no,purpose,status,changed_at\nM1,marketing_sms,granted,2024-03-05\nM1,made_up,granted,2024-03-05\nM2,Sensitive_ID_Card,granted,2024-03-05\n');
  const s = await importFiles(app, { entity: 'consents', files: [f] });
  assert.deepEqual([s.imported, s.rejected, s.files[0].reasons], [2, 1, { 'purpose: not a known purpose (docs/privacy.md)': 1 }]);
  assert.deepEqual(await app.warehouse.all(`select purpose from consents order by purpose`), [{ purpose: 'marketing_sms' }, { purpose: 'sensitive_id_card' }]);
}));

test('given phones and e-mails written into tags, traits and evidence, then they are stored masked, never in plaintext, and counted per column', () => withStore(async (app, file) => {
  const f = file('customers.csv', 'member_no,tags,备注\nM1,"VIP,回访 13812345678","客户说 138-1234-5679,13912345670 或 Ann.Lee@Example.com"\nM2,普通,订单号 2024031312345678901\n');
  const s = await importFiles(app, { entity: 'customers', files: [f], map: file('map.json', JSON.stringify({ entity: 'customers', columns: { member_no: 'member_no', tags: 'tags' }, traits: { note: '备注' } })) });
  assert.deepEqual([s.imported, s.files[0].contactsMasked], [2, { tags: 1, traits: 1 }]);
  assert.deepEqual((await app.warehouse.all<{ t: string }>(`select traits::varchar as t from customers order by id`)).map((r) => JSON.parse(r.t)), [
    { note: '客户说 138****5679,139****5670 或 A***@Example.com' },
    { note: '订单号 2024031312345678901' },
  ]);
  assert.deepEqual(await app.warehouse.all(`select customer_id, tag, source from customer_tags order by customer_id, tag`), [
    { customer_id: 1, tag: '138****5678', source: 'import' }, { customer_id: 1, tag: 'VIP', source: 'import' }, { customer_id: 1, tag: '回访', source: 'import' },
    { customer_id: 2, tag: '普通', source: 'import' },
  ]);
  const c = file('consents.csv', 'member_no,purpose,status,changed_at,evidence\nM1,marketing_sms,granted,2024-03-05,回复 Y 自 13812345678\n');
  await importFiles(app, { entity: 'consents', files: [c] });
  assert.deepEqual(await app.state.all(`select evidence from consents`), [{ evidence: '回复 Y 自 138****5678' }], 'the ledger (state) holds the evidence, masked');
}));

test('given orders whose statuses are written as exports write them, then each is stored as its canonical status, and one Siyu does not know is kept and listed by the quality report', () => withStore(async (app, file) => {
  const f = file('orders.csv', 'order_id,member_no,ordered_at,gross_amount,status\n1,M1,2024-03-05,10,交易成功\n2,M1,2024-03-05,10,已付款\n3,M1,2024-03-05,10,交易关闭\n4,M1,2024-03-05,10,Canceled\n5,M1,2024-03-05,10,部分退款\n6,M1,2024-03-05,10,待评价\n7,M1,2024-03-05,10,\n8,M1,2024-03-05,10,REFUNDED\n');
  await importFiles(app, { entity: 'orders', files: [f] });
  assert.deepEqual((await app.warehouse.all<{ status: string }>(`select status from orders order by order_id`)).map((r) => r.status),
    ['completed', 'paid', 'cancelled', 'cancelled', 'partially_refunded', '待评价', 'paid', 'refunded']);
  const q = await qualityReport(app);
  assert.deepEqual(q.orderStatuses, { byStatus: { cancelled: 2, paid: 2, completed: 1, partially_refunded: 1, refunded: 1 }, unknown: { 待评价: 1 } });
}));

test('given openids without the app they belong to, then the import warns that they will not match the same app\'s openids from other files; with openid_app it does not', () => withStore(async (app, file) => {
  const bare = await importFiles(app, { entity: 'customers', files: [file('a.csv', 'member_no,openid\nM1,oAbc1\nM2,oAbc2\n')] });
  assert.equal(bare.files[0].warnings?.length, 1);
  assert.match(bare.files[0].warnings![0], /^2 openid value\(s\) without openid_app/);
  const scoped = await importFiles(app, { entity: 'customers', files: [file('b.csv', 'member_no,openid,openid_app\nM3,oAbc3,wxA\n')] });
  assert.equal(scoped.files[0].warnings, undefined);
}));

test('given a list of files with one missing, then importFiles refuses before reading any, and importFileByFile imports the others and names the missing one', () => withStore(async (app, file) => {
  const a = file('a.csv', 'order_id,member_no,ordered_at,gross_amount\nA1,M1,2024-03-05,10\n');
  const b = file('b.csv', 'order_id,member_no,ordered_at,gross_amount\nB1,M2,2024-03-06,20\n');
  const gone = a.replace('a.csv', 'gone.csv');
  await assert.rejects(importFiles(app, { entity: 'orders', files: [a, gone, b] }), (e) => isUserError(e) && e.code === 'file_not_found');
  assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 0);
  const out = await importFileByFile(app, { entity: 'orders', files: [a, gone, b] });
  assert.deepEqual([out.summary.imported, out.summary.files.length, out.failed.map((f) => [f.file, isUserError(f.error) && f.error.code])], [2, 2, [[gone, 'file_not_found']]]);
  assert.equal(await app.warehouse.scalar(`select count(*) from insight_customer_agg`), 2, 'the aggregates are refreshed once for the files imported');
}));
