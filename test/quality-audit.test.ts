import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';
import { qualityReport } from '../src/ingest/quality/index.ts';
import { unmerge } from '../src/identity/index.ts';

// Six customer rows: M6 shares M1's phone (one person, two member records), M4's phone is masked, M5's invalid.
const CUSTOMERS = `member_no,phone,email,openid,openid_app,name,gender,birthday,province,city,acquisition_channel,member_tier,owner_staff_code,home_store_code
M1,13800000001,a@x.com,,,张一,男,1990-01-01,上海,上海,wecom,VIP,G1,S1
M2,13800000002,,oA2,wxmini,李二,女,,,,,,,
M3,,b@x.com,,,,,,广东,深圳,pos,普通,,S2
M4,138****0004,,,,,未知,,,,,,,
M5,12345,,,,,,,,,,,,
M6,13800000001,,,,,,,,,,,,
`;
// O3 names no one (an orphan); O4's member number is new (a customer known only by an order).
const ORDERS = `order_id,member_no,phone,ordered_at,gross_amount,channel,store_code,staff_code,item_count,coupon_code
O1,M1,,2024-03-01 10:00,100,pos,S1,G1,1,
O2,,13800000002,2024-03-02 10:00,50,ecommerce,,,2,CP1
O3,,,2024-03-03 10:00,30,pos,S2,,,
O4,M9,,2024-03-04 10:00,20,,,,,
`;
const CONSENTS = `member_no,purpose,status,changed_at
M1,marketing_sms,granted,2024-03-01
M2,marketing_sms,granted,2024-03-01
M2,marketing_sms,withdrawn,2024-04-01
M3,analytics,granted,2024-03-01
`;

/** The report without what changes with the clock. */
function stable(q: Awaited<ReturnType<typeof qualityReport>>) {
  const { generatedAt: _g, freshness, ...rest } = q;
  return { ...rest, freshness: freshness.map(({ loadedAt: _l, hoursSinceLoad: _h, ...f }) => f) };
}

test('the data-quality report on a hand-made dataset gives exactly the hand-computed numbers, and neither a dry run nor a re-import changes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-qaudit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  try {
    await importFiles(app, { entity: 'customers', files: [file('customers.csv', CUSTOMERS)], source: 'crm' });
    await importFiles(app, { entity: 'orders', files: [file('orders.csv', ORDERS)], source: 'shop' });
    await importFiles(app, { entity: 'consents', files: [file('consents.csv', CONSENTS)], source: 'crm' });
    const q = await qualityReport(app);
    const sixth = 0.1667;
    const third = 0.3333;
    assert.deepEqual(stable(q), {
      completeness: {
        // C1 {M1, M6, phone 1, a@x}, C2 {M2, phone 2, openid}, C3 {M3, b@x}, C4 {M4}, C5 {M5}, C6 {M9, from order O4}
        customers: {
          total: 6, name: third, gender: third, birthday: sixth, province: third, city: third, acquisition_channel: third, registered_at: 0,
          member_tier: third, owner_staff_code: sixth, home_store_code: third,
          phone: third, email: third, unionid: 0, openid: sixth, external_userid: 0, member_no: 1, user_id: 0, device_id: 0, anonymous_id: 0,
        },
        orders: { total: 4, customer: 0.75, channel: 0.75, store_code: 0.5, staff_code: 0.25, item_count: 0.5, coupon_code: 0.25 },
      },
      invalid: { importRuns: 3, rowsRead: 14, rowsRejected: 0, byReason: {}, invalidIdentifiers: { phone: 1 }, maskedIdentifiers: 1 },
      // M6 was found to be M1's person (the same phone): one member record folded into another customer.
      duplicates: { merged: 0, unmerged: 0, openConflicts: 0, mergedCustomers: 0, byRule: {}, recordsFolded: { member_no: 1 } },
      orphans: { ordersWithoutCustomer: 1, ordersWithUnknownCustomer: 0, orderShare: 0.25, orderLinesWithoutOrder: 0, eventsWithoutAnyone: 0 },
      orderStatuses: { byStatus: { paid: 4 }, unknown: {} },
      consent: { analytics: { granted: 1, withdrawn: 0, coverage: sixth }, marketing_sms: { granted: 1, withdrawn: 1, coverage: sixth } },
      freshness: [
        { source: 'crm', entities: ['consents', 'customers'], rows: 0, importedRows: 10, latestFact: null },
        { source: 'shop', entities: ['orders'], rows: 4, importedRows: 4, latestFact: '2024-03-04T02:00:00.000Z' },
      ],
    });
    const loaded = Object.fromEntries(q.freshness.map((f) => [f.source, f.loadedAt]));

    // A dry run with a bad row, then the same files again: the store does not change, nor does the report.
    await importFiles(app, { entity: 'orders', files: [file('more.csv', 'order_id,member_no,ordered_at,gross_amount\nO9,M1,2024-05-01,x\nO8,M2,2024-05-02,5\n')], source: 'shop', dryRun: true });
    await importFiles(app, { entity: 'customers', files: [join(dir, 'customers.csv')], source: 'crm' });
    await importFiles(app, { entity: 'orders', files: [join(dir, 'orders.csv')], source: 'shop' });
    const again = await qualityReport(app);
    assert.deepEqual(stable(again), stable(q));
    assert.equal(again.freshness.find((f) => f.source === 'shop')!.loadedAt === loaded.shop, false, 'a re-import is a load');
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('duplicates: merges by rule, undone merges and open conflicts are counted as they happen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-qaudit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  let n = 0;
  const load = (entity: 'customers', text: string) => importFiles(app, { entity, files: [(writeFileSync(join(dir, `${++n}.csv`), text), join(dir, `${n}.csv`))] });
  try {
    await load('customers', 'member_no,phone\nM1,13800000001\nM2,13800000002\nM3,\n');
    await load('customers', 'member_no,phone\nM3,13800000002\n');
    let d = (await qualityReport(app)).duplicates;
    assert.deepEqual(d, { merged: 1, unmerged: 0, openConflicts: 0, mergedCustomers: 1, byRule: { phone: 1 }, recordsFolded: { member_no: 1 } });
    await unmerge(app, 1);
    await load('customers', 'unionid,phone\nU1,13800000001\nU1,13800000002\n');
    d = (await qualityReport(app)).duplicates;
    assert.deepEqual(d, { merged: 0, unmerged: 1, openConflicts: 1, mergedCustomers: 0, byRule: {}, recordsFolded: {} });
    assert.equal((await qualityReport(app)).completeness.customers.total, 3);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
