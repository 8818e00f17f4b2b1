import { recordConsent } from '../privacy/consentLedger.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../app/context.ts';
import { importFiles } from './index.ts';
import { isUserError } from '../errors.ts';

const ORDERS = [
  '订单号,下单时间,金额,手机,件数,状态',
  '="A1",2024年3月5日 14:03,"¥1,234.50元",\'13812345678,2,交易成功',
  '="A2",2024/3/6,99,138****5678,1,交易关闭',
  'A3,not a date,10,13900001111,1,交易成功',
  'A4,2024-03-07,abc,13900001111,1,',
  'A5,2024-03-08,5,,x,',
  ',2024-03-08,5,,1,',
  'A7,2024-03-09,7,13900001111,1,交易成功,extra',
].join('\n') + '\n';
const MAP = { entity: 'orders', columns: { order_id: '订单号', ordered_at: '下单时间', gross_amount: '金额', phone: '手机', item_count: '件数', status: '状态' }, values: { status: { 交易成功: 'completed', 交易关闭: 'cancelled' } }, constants: { source: 'pos' } };

async function withStore(fn: (app: App, dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-val-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    writeFileSync(join(dir, 'orders.csv'), ORDERS);
    writeFileSync(join(dir, 'map.json'), JSON.stringify(MAP));
    await fn(app, dir);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('real-world values are coerced, bad rows quarantined with line, column and reason, identifiers masked', async () => {
  await withStore(async (app, dir) => {
    const s = await importFiles(app, { entity: 'orders', files: [join(dir, 'orders.csv')], map: join(dir, 'map.json') });
    assert.deepEqual([s.rows, s.imported, s.rejected], [7, 2, 5]);
    assert.deepEqual(s.files[0].reasons, { 'ordered_at: not a date/time': 1, 'gross_amount: not an amount': 1, 'item_count: not a whole number': 1, 'order_id: missing': 1, '(row): too many columns': 1 });
    assert.equal(s.identity.customersCreated, 1);
    assert.equal(s.identity.maskedIdentifiers, 1);
    const orders = await app.warehouse.all(`select order_id, ordered_at, order_date, gross_amount, item_count, status, customer_id is not null as matched from orders order by order_id`);
    assert.deepEqual(orders, [
      { order_id: 'A1', ordered_at: '2024-03-05T06:03:00.000Z', order_date: '2024-03-05', gross_amount: 1234.5, item_count: 2, status: 'completed', matched: true },
      { order_id: 'A2', ordered_at: '2024-03-05T16:00:00.000Z', order_date: '2024-03-06', gross_amount: 99, item_count: 1, status: 'cancelled', matched: false },
    ]);
    const q = readFileSync(s.files[0].quarantine!, 'utf8');
    const lines = q.trim().split('\n');
    assert.equal(lines[0], 'file,line,column,reason,order_id,ordered_at,status,gross_amount,item_count,phone,source');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(1, 4).join(',')), ['8,,too many columns', '4,ordered_at,not a date/time', '5,gross_amount,not an amount', '6,item_count,not a whole number', '7,order_id,missing']);
    assert.doesNotMatch(q, /13900001111/);
    assert.match(q, /13\*\*\*\*11/);
    const summary = JSON.parse(readFileSync(s.files[0].quarantine!.replace(/\.csv$/, '.json'), 'utf8'));
    assert.equal(summary.rejected, 5);

    const again = await importFiles(app, { entity: 'orders', files: [join(dir, 'orders.csv')], map: join(dir, 'map.json') });
    assert.deepEqual([again.imported, again.unchanged, again.identity.customersCreated], [0, 2, 0]);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 2);
  });
});

test('--strict imports nothing of a file with a bad row; --dry-run counts without writing', async () => {
  await withStore(async (app, dir) => {
    const strict = await importFiles(app, { entity: 'orders', files: [join(dir, 'orders.csv')], map: join(dir, 'map.json'), strict: true });
    assert.deepEqual([strict.imported, strict.rejected], [0, 5]);
    const dry = await importFiles(app, { entity: 'orders', files: [join(dir, 'orders.csv')], map: join(dir, 'map.json'), dryRun: true });
    assert.deepEqual([dry.imported, dry.rejected, dry.identity.customersCreated], [2, 5, 1]);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 0);
    assert.equal(await app.warehouse.scalar(`select count(*) from customers`), 0);
    assert.equal(await app.warehouse.scalar(`select count(*) from customer_identifiers`), 0);
  });
});

test('truncated and fuzzed files give clear errors or quarantined rows, never an internal error, and lose no good row', async () => {
  await withStore(async (app, dir) => {
    const cut = ORDERS.slice(0, ORDERS.indexOf('A4') + 12); // ends inside row A4
    writeFileSync(join(dir, 'cut.csv'), cut);
    const s = await importFiles(app, { entity: 'orders', files: [join(dir, 'cut.csv')], map: join(dir, 'map.json') });
    assert.equal(s.imported, 2, 'A1 and A2 survive the cut');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const base = Buffer.from(ORDERS);
    let clean = 0;
    for (let i = 0; i < 12; i++) {
      const b = Buffer.from(base);
      const body = ORDERS.indexOf('\n') + 1; // the header stays: a mangled header is a clear error (missing_columns), tested above
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) b[body + Math.floor(rnd() * (b.length - body))] = [0x22, 0x2c, 0x0a, 0x00, 0xff, 0x3d][Math.floor(rnd() * 6)];
      const f = join(dir, `fuzz${i}.csv`);
      writeFileSync(f, b.subarray(0, Math.floor(b.length * (0.3 + rnd() * 0.7))));
      try {
        const r = await importFiles(app, { entity: 'orders', files: [f], map: join(dir, 'map.json'), dryRun: true });
        assert.equal(r.rows, r.imported + r.unchanged + r.rejected, `fuzz ${i}: every row accounted for`);
        clean++;
      } catch (e) {
        assert.ok(isUserError(e), `fuzz ${i}: ${(e as Error).message}`);
      }
    }
    assert.ok(clean >= 6, `most fuzzed files still import (${clean}/12)`);
    writeFileSync(join(dir, 'empty.csv'), '');
    await assert.rejects(importFiles(app, { entity: 'orders', files: [join(dir, 'empty.csv')] }), (e) => isUserError(e) && e.code === 'file_empty');
    await assert.rejects(importFiles(app, { entity: 'orders', files: [join(dir, 'nope.csv')] }), (e) => isUserError(e) && e.code === 'file_not_found');
    writeFileSync(join(dir, 'bad.xlsx'), 'not a zip');
    await assert.rejects(importFiles(app, { entity: 'orders', files: [join(dir, 'bad.xlsx')] }), (e) => isUserError(e) && e.code === 'xlsx_unreadable');
  });
});

test('PIPL art. 28: ID-card and bank-card numbers in free text are refused with the field named; sensitive columns need the separate purpose', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'c.csv'), 'member_no,tags,病史\nM1,VIP 11010519491231002X,无\nM2,card 4111 1111 1111 1111,无\nM3,ordinary,无\n');
    const s = await importFiles(app, { entity: 'customers', files: [join(dir, 'c.csv')] });
    assert.deepEqual(s.files[0].reasons, { 'tags: contains an ID-card number (sensitive, PIPL art. 28)': 1, 'tags: contains a bank-card number (sensitive, PIPL art. 28)': 1 });
    assert.equal(s.imported, 1);
    const q = readFileSync(s.files[0].quarantine!, 'utf8');
    assert.doesNotMatch(q, /11010519491231002X|4111 1111/);
    writeFileSync(join(dir, 'sens.json'), JSON.stringify({ columns: { member_no: 'member_no' }, sensitive: { 病史: 'health' } }));
    await assert.rejects(importFiles(app, { entity: 'customers', files: [join(dir, 'c.csv')], map: join(dir, 'sens.json') }), (e) => isUserError(e) && e.code === 'sensitive_refused' && /病史/.test(e.message));
    await recordConsent(app, { customerId: await app.warehouse.scalar('select min(id) from customers'), purpose: 'sensitive_health', status: 'granted' });
    const ok = await importFiles(app, { entity: 'customers', files: [join(dir, 'c.csv')], map: join(dir, 'sens.json') });
    assert.equal(ok.rejected, 2, 'allowed now; the card numbers in free text are still refused');
    assert.ok(readdirSync(join(dir, 'store', 'quarantine')).length >= 2);
  });
});
