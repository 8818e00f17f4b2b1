import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app/context.ts';
import { kpis, cohorts, rfm, refreshAggregates } from '../../src/insight/index.ts';
import { addOrders, smallShop } from './fixture.ts';
import { orderCustomers } from '../../src/insight/queries/kpiOrderCustomers.ts';
import { orderTotals } from '../../src/insight/queries/kpiOrderTotals.ts';

async function withShop(fn: (app: App) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-'));
  const app = await openApp({ dir });
  try {
    await smallShop(app);
    await fn(app);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('given the small shop, KPIs of February 2024 are exact, with 环比 and 同比', () => withShop(async (app) => {
  const k = await kpis(app, { from: '2024-02-01', to: '2024-02-29' });
  assert.equal(k.orders, 4); // c1, c3 ×2, the orphan; the cancelled order never counts
  assert.equal(k.gmv, 190);
  assert.equal(k.customers, 2);
  assert.equal(k.repurchase_rate, 0.5);
  assert.equal(k.aov, 47.5);
  assert.equal(k.new_customers, 1);
  assert.equal(k.frequency, 1.5);
  assert.equal(k.discounts, 5);
  assert.equal(k.refunds, 20);
  assert.equal(k.net_revenue, 165);
  assert.equal(k.refund_rate, 20 / 190);
  assert.equal(k.refunded_order_rate, 0.25);
  assert.equal(k.active_customers, 2);
  assert.equal(k.arpu, 82.5);
  assert.equal(k.customers_total, 4); // c4 is first known in March
  assert.equal(k.registered, 1);
  assert.equal(k.registered_to_first_order_rate, 0);
  assert.deepEqual(k.previous!.window, { from: '2024-01-03', to: '2024-01-31' });
  assert.equal(k.churn_rate, 0.5); // of c1, c2 (ordering 3–31 Jan) c2 did not order in February
  assert.equal(k.previous!.orders, 2);
  assert.equal(k.change!.previous.gmv, (190 - 300) / 300);
  assert.deepEqual(k.last_year!.window, { from: '2023-02-01', to: '2023-02-28' });
  assert.equal(k.last_year!.orders, 0);
  assert.equal(k.change!.last_year.gmv, null);
}));

test('given filters, only the matching orders and customers count', () => withShop(async (app) => {
  const pos = await kpis(app, { from: '2024-02-01', to: '2024-02-29', channel: 'pos' });
  assert.deepEqual([pos.orders, pos.gmv, pos.customers], [2, 90, 1]);
  const both = await kpis(app, { from: '2024-02-01', to: '2024-02-29', channel: 'pos,mini_program' });
  assert.equal(both.orders, 4);
  const sh = await kpis(app, { from: '2024-02-01', to: '2024-02-29', city: '上海' });
  assert.deepEqual([sh.orders, sh.gmv, sh.customers, sh.repurchase_rate], [2, 100, 1, 1]);
  await app.warehouse.run(`insert into customer_tags (workspace_id, customer_id, tag, source) values (1, 2, '高价值', 'manual')`);
  const tagged = await kpis(app, { segment: '高价值' });
  assert.deepEqual([tagged.orders, tagged.gmv], [1, 200]);
  const all = await kpis(app);
  assert.deepEqual([all.customers, all.orders, all.gmv, all.window.from, all.window.to], [4, 8, 580, '2024-01-05', '2024-03-15']);
  assert.equal(all.previous, null);
}));

test('given the small shop, monthly cohorts and their retention are exact', () => withShop(async (app) => {
  const c = await cohorts(app, { period: 'month' });
  assert.deepEqual(c.cohorts.map((x) => [x.cohort, x.size, x.retention]), [
    ['2024-01', 2, [1, 0.5, 0.5]],
    ['2024-02', 1, [1, 0]],
    ['2024-03', 1, [1]],
  ]);
  const viaOrders = await cohorts(app, { period: 'month', filters: { channel: 'pos,mini_program' } });
  assert.deepEqual(viaOrders.cohorts, c.cohorts.map((x) => ({ ...x })));
  const q = await cohorts(app, { period: 'quarter' });
  assert.deepEqual(q.cohorts.map((x) => [x.cohort, x.size, x.retention]), [['2024-Q1', 4, [1]]]);
}));

test('given new orders after a query, the aggregates catch up incrementally', () => withShop(async (app) => {
  assert.equal((await refreshAggregates(app)).mode, 'full');
  assert.equal((await refreshAggregates(app)).mode, 'none');
  await new Promise((r) => setTimeout(r, 5));
  await addOrders(app, [{ id: 'b2', c: 2, d: '2024-02-02', amt: 10 }]);
  assert.equal((await refreshAggregates(app)).mode, 'incremental');
  const c = await cohorts(app);
  assert.deepEqual(c.cohorts[0].retention, [1, 1, 0.5]);
  await app.warehouse.run(`delete from orders where order_id = 'd1'`);
  assert.equal((await refreshAggregates(app)).mode, 'full');
}));

test('given the small shop, RFM scores and the 8 segments follow the mean rule', () => withShop(async (app) => {
  const r = await rfm(app);
  assert.equal(r.reference_date, '2024-03-16');
  assert.deepEqual([r.thresholds.recency_days, r.thresholds.frequency, r.thresholds.monetary], [23, 1.75, 135]);
  assert.deepEqual(r.sizes, { 重要价值: 1, 重要发展: 0, 重要保持: 0, 重要挽留: 1, 一般价值: 1, 一般发展: 1, 一般保持: 0, 一般挽留: 0 });
  assert.deepEqual(r.scores.r, { 1: 1, 2: 1, 3: 1, 4: 1, 5: 0 });
  assert.deepEqual(r.scores.f, { 1: 2, 2: 0, 3: 1, 4: 1, 5: 0 });
  assert.deepEqual(r.scores.m, { 1: 1, 2: 1, 3: 1, 4: 1, 5: 0 });
  const fixed = await rfm(app, { thresholds: { monetary: 50 } });
  assert.equal(fixed.sizes['一般发展'], 0); // c4 (60) is now "important"
  assert.equal(fixed.sizes['重要发展'], 1);
  const early = await rfm(app, { referenceDate: '2024-02-01' }); // only January orders count
  assert.equal(early.customers, 2);
}));

test('given any window, the aggregate and rollup sources give the numbers the orders give', () => withShop(async (app) => {
  await refreshAggregates(app);
  const base = { ws: 1, channel: null, store: null, staff: null, city: null, segment: null };
  const whole = { ...base, from: '2024-01-05', to: '2024-03-15', pfrom: '2023-10-27', pto: '2024-01-04' };
  assert.deepEqual(await orderCustomers(app.warehouse, whole, 'whole'), await orderCustomers(app.warehouse, whole, 'orders'));
  assert.deepEqual(await orderCustomers(app.warehouse, whole, 'whole'),
    { customers: 4, repeat_customers: 2, customer_orders: 7, new_customers: 4, prev_customers: 0, churned_customers: 0 });
  const hz = { ...whole, city: '杭州' };
  assert.deepEqual(await orderCustomers(app.warehouse, hz, 'whole'), await orderCustomers(app.warehouse, hz, 'orders'));
  for (const w of [whole, { ...base, from: '2024-02-01', to: '2024-02-29', channel: 'pos' }, { ...base, from: '2024-02-14', to: '2024-03-01' }]) {
    assert.deepEqual(await orderTotals(app.warehouse, w, 'rollup'), await orderTotals(app.warehouse, w, 'orders'));
  }
  assert.deepEqual(await orderTotals(app.warehouse, whole, 'rollup'), { orders: 8, gmv: 580, discounts: 5, refunds: 20, refunded_orders: 1 });
}));

test('given a merge that moves orders between customers, the aggregates follow without a new import', () => withShop(async (app) => {
  assert.equal((await refreshAggregates(app)).mode, 'full');
  await new Promise((r) => setTimeout(r, 5));
  // What src/identity/merges.ts does: record the merge, move the merged customer's orders to the survivor.
  await app.warehouse.run(`insert into identity_merges (workspace_id, id, survivor_id, merged_id, rule) values (1, 1, 1, 2, 'phone')`);
  await app.warehouse.run(`update orders set customer_id = 1 where customer_id = 2`);
  await app.warehouse.run(`update customers set status = 'merged', merged_into = 1 where id = 2`);
  assert.equal((await refreshAggregates(app)).mode, 'incremental');
  const k = await kpis(app);
  assert.deepEqual([k.customers, k.orders, k.repurchase_rate], [3, 8, 2 / 3]); // c1 (4 orders with c2's) and c3 repeat
  const r = await rfm(app);
  assert.equal(r.customers, 3);
  const c = await cohorts(app);
  assert.deepEqual(c.cohorts.map((x) => [x.cohort, x.size]), [['2024-01', 1], ['2024-02', 1], ['2024-03', 1]]);
}));
