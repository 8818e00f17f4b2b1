import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app/context.ts';
import { lifecycle } from '../../src/insight/lifecycle.ts';
import { tiers } from '../../src/insight/tiers.ts';
import { defineTag, listTags, recomputeTags, tagCustomers } from '../../src/insight/tags.ts';
import { stageOf, DEFAULT_LIFECYCLE } from '../../src/domain/segments/lifecycle.ts';
import { tierOf } from '../../src/domain/segments/tiers.ts';
import { kpis } from '../../src/insight/index.ts';
import { addOrders, smallShop } from './fixture.ts';

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

test('the lifecycle rule names each stage (pure), P(alive) replacing the day rule', () => {
  const h = { daysSinceFirst: 400, daysSinceLast: 10, lastGapDays: 20, orderDays365: 1 };
  assert.equal(stageOf({ ...h, daysSinceFirst: null, daysSinceLast: null }), 'prospect');
  assert.equal(stageOf({ ...h, daysSinceFirst: 5 }), 'new');
  assert.equal(stageOf(h), 'active');
  assert.equal(stageOf({ ...h, orderDays365: 3 }), 'loyal');
  assert.equal(stageOf({ ...h, lastGapDays: 200 }), 'returned');
  assert.equal(stageOf({ ...h, daysSinceLast: 100 }), 'dormant');
  assert.equal(stageOf({ ...h, daysSinceLast: 181 }), 'churned');
  assert.equal(stageOf({ ...h, daysSinceLast: 181, pAlive: 0.9 }), 'active');
  assert.equal(stageOf({ ...h, pAlive: 0.3 }), 'dormant');
  assert.equal(stageOf({ ...h, pAlive: 0.1 }, DEFAULT_LIFECYCLE), 'churned');
});

test('given the small shop, lifecycle stages per month end and the transition matrix are exact', () => withShop(async (app) => {
  const r = await lifecycle(app, { thresholds: { newDays: 10, activeDays: 20, dormantDays: 40 } });
  assert.equal(r.as_of, '2024-03-15');
  assert.deepEqual(Object.fromEntries(r.stages.map((s) => [s.key, s.customers])), { prospect: 1, new: 1, active: 1, loyal: 1, returned: 0, dormant: 0, churned: 1 });
  assert.deepEqual(r.over_time.map((m) => [m.month_end, m.counts.active, m.counts.dormant, m.counts.prospect]), [['2024-01-31', 1, 1, 0], ['2024-02-29', 2, 1, 1]]);
  assert.equal(r.transitions.dormant.active, 1); // c1 came back in February
  assert.equal(r.transitions.active.dormant, 1); // c2 lapsed
  assert.equal(r.last_transitions.month_end, '2024-02-29');
  await app.warehouse.run(`insert into customer_scores (workspace_id, customer_id, model, score, value, version, fitted_at, scored_at)
    values (1, 2, 'clv', 'p_alive', 0.9, 1, now(), now()), (1, 3, 'clv', 'p_alive', 0.3, 1, now(), now())`);
  const m = await lifecycle(app, { thresholds: { newDays: 10, activeDays: 20, dormantDays: 40 }, usePAlive: true });
  // c2 (55 days since its order) is alive by the model: active; c3 (P 0.3) is at risk: dormant
  assert.deepEqual(Object.fromEntries(m.stages.map((s) => [s.key, s.customers])), { prospect: 1, new: 1, active: 1, loyal: 1, returned: 0, dormant: 1, churned: 0 });
  assert.equal(m.over_time[1].counts.dormant, 1); // month ends keep the day rule
}));

test('given the small shop, tiers by 12-month spend show the upgrade of February', () => withShop(async (app) => {
  assert.equal(tierOf(150, 1, { match: 'any', tiers: [{ name: 'A', name_en: 'A', minSpend: 0, minOrders: 0 }, { name: 'B', name_en: 'B', minSpend: 150, minOrders: 3 }] }), 1);
  const r = await tiers(app, { rules: { match: 'any', tiers: [{ name: 'A', name_en: 'A', minSpend: 0, minOrders: 0 }, { name: 'B', name_en: 'B', minSpend: 150, minOrders: 3 }] } });
  assert.deepEqual(r.history.map((h) => [h.month, h.counts.A, h.counts.B, h.upgrades, h.downgrades]), [['2024-01', 1, 1, 0, 0], ['2024-02', 1, 2, 1, 0], ['2024-03', 2, 2, 0, 0]]);
  assert.deepEqual(r.moves, [{ from: 'A', to: 'B', customers: 1 }]);
}));

test('given rule and manual tags, recompute is incremental and manual tags stay', () => withShop(async (app) => {
  await defineTag(app, '常客', { all: [{ field: 'orders', op: '>=', value: 2 }] });
  await defineTag(app, '沪', { all: [{ field: 'city', op: 'in', value: ['上海', '北京'] }] });
  await assert.rejects(defineTag(app, 'x', { all: [{ field: 'password', op: '=', value: 1 }] }), /not valid/);
  const first = await recomputeTags(app);
  assert.equal(first.mode, 'full');
  assert.deepEqual([first.tags['常客'], first.tags['沪'], first.tags['价格敏感']], [2, 1, 1]);
  assert.equal((await recomputeTags(app)).customers_in_scope, 0);
  await new Promise((r) => setTimeout(r, 5));
  await addOrders(app, [{ id: 'n1', c: 4, d: '2024-03-15', amt: 10, hour: 23 }]);
  const inc = await recomputeTags(app);
  assert.deepEqual([inc.mode, inc.customers_in_scope, inc.tags['常客'], inc.tags['夜猫子']], ['incremental', 1, 3, 1]);
  await tagCustomers(app, '手工', [1, 2]);
  await recomputeTags(app, { full: true });
  const list = await listTags(app);
  assert.equal(list.find((t) => t.name === '手工')!.customers, 2);
  assert.equal((await kpis(app, { segment: '常客' })).customers, 3);
}));
