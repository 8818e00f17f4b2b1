// Specification of the maintained purchase-day summary: the fits read the same (x, t_x, T) and (x, zbar) from it as
// from the orders; new imports are folded in incrementally; a change without a newer import (a merge moving orders)
// rebuilds it. Data: the CDNOW sample (skips when absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCdnow } from '../domain/models/cdnow.fixture.ts';
import { cdnowApp } from './cdnowStore.fixture.ts';
import { refreshPurchaseSummary } from './purchaseSummary.ts';
import { calibrationSummaries } from './queries/calibrationSummaries.ts';
import type { App } from '../app/context.ts';

const skip = hasCdnow() ? false : 'CDNOW dataset folder (../shared/datasets/cdnow) is absent';

/** The summaries as sorted text rows, to compare the two paths exactly. */
async function both(app: App, end: string): Promise<[string[], string[], string]> {
  const rows = async (fromOrders: boolean) => {
    const s = await calibrationSummaries(app.warehouse, app.workspaceId, end, { triplets: true, spend: true, fromOrders });
    const t = s.triplets!;
    const g = s.spend!;
    // Summed per key (zbar as the repeat value in cents): from the orders, float sums can split one zbar into rows a few ULPs apart.
    const w = new Map<string, number>();
    t.x.forEach((x, i) => { const k = `t ${x} ${t.tx[i].toFixed(6)} ${t.T[i].toFixed(6)}`; w.set(k, (w.get(k) ?? 0) + t.weight[i]); });
    g.x.forEach((x, i) => { const k = `s ${x} ${Math.round(x * g.zbar[i] * 100)}`; w.set(k, (w.get(k) ?? 0) + g.weight[i]); });
    return { source: s.source!, rows: [...w].map(([k, n]) => `${k} ${n}`).sort() };
  };
  const a = await rows(false);
  const b = await rows(true);
  return [a.rows, b.rows, a.source];
}

test('given CDNOW orders, when the summary is built, then fits read from it exactly what they read from the orders, and refreshes follow imports and merges', { skip }, async () => {
  const app = await cdnowApp();
  try {
    const ws = app.workspaceId;
    assert.equal((await refreshPurchaseSummary(app.warehouse, ws)).mode, 'full');
    const first = await refreshPurchaseSummary(app.warehouse, ws);
    assert.deepEqual([first.mode, first.lastDay], ['none', '1998-06-30']);
    const initial = await both(app, '1998-06-30');
    assert.equal(initial[2], 'summary');
    let [fromSummary, fromOrders] = initial;
    assert.deepEqual(fromSummary, fromOrders);
    assert.equal((await both(app, '1997-09-30'))[2], 'orders', 'an end before the last order reads the orders');

    // An import: two orders for customer 1 (one on a day it already bought: same purchase day) and a new customer.
    await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, source) values
      (1, 'n1', 1, '1998-07-02', '1998-07-02', 'paid', 10, 't'), (1, 'n2', 1, '1998-07-02', '1998-07-02', 'paid', 5, 't'),
      (1, 'n3', 99999, '1998-07-03', '1998-07-03', 'paid', 7, 't'), (1, 'n4', 99999, '1998-07-03', '1998-07-03', 'cancelled', 7, 't')`);
    const inc = await refreshPurchaseSummary(app.warehouse, ws);
    assert.deepEqual([inc.mode, inc.lastDay], ['incremental', '1998-07-03']);
    [fromSummary, fromOrders] = await both(app, '1998-07-03');
    assert.deepEqual(fromSummary, fromOrders);
    const [c1] = await app.warehouse.all<{ purchase_days: number; orders: number }>(
      'select purchase_days, orders from model_customer_summary where workspace_id = 1 and customer_id = 1');
    assert.equal(Number(c1.orders), Number(c1.purchase_days) + 1, 'two orders on one day are one purchase day');

    // A merge moves customer 2's orders to customer 3 without a new import time: the fingerprint changes, full rebuild.
    await app.warehouse.run('update orders set customer_id = 3 where workspace_id = 1 and customer_id = 2');
    assert.equal((await refreshPurchaseSummary(app.warehouse, ws)).mode, 'full');
    [fromSummary, fromOrders] = await both(app, '1998-07-03');
    assert.deepEqual(fromSummary, fromOrders);
    assert.equal((await app.warehouse.all('select 1 from model_customer_summary where customer_id = 2')).length, 0);
  } finally {
    app.close();
  }
});
