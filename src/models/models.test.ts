// Specification of the SQL path: orders in a real DuckDB store → (x, t_x, T, zbar) in SQL → fits, holdout,
// scores in customer_scores, cards through GET /api/v1/models. Data: the CDNOW sample (skips when absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCdnow } from '../domain/models/cdnow.fixture.ts';
import { cdnowApp } from './cdnowStore.fixture.ts';
import { fitBgNbdModel, fitGammaGammaModel } from './fit.ts';
import { scoreClv } from './score.ts';
import { latestCard } from './cards.ts';
import { buildServer } from '../server/app.ts';
import type { HoldoutEvaluation } from './holdout.ts';
import { fitChurnModel, scoreChurn } from './churn.ts';
import { fitClusters } from './clusters.ts';
import { fitNextPurchase } from './nextPurchase.ts';
import { predictLogistic, type LogisticModel } from '../domain/models/logistic.ts';
import { modelInput, CHURN_FEATURES } from '../domain/models/churnFeatures.ts';
import { CHURN_FEATURES_SQL } from './queries/churnFeatures.ts';
import { calibrationSummaries } from './queries/calibrationSummaries.ts';
import { fitBgNbd } from '../domain/models/bgnbd.ts';
import { authHeaders } from '../server/auth/testing.ts';

const skip = hasCdnow() ? false : 'CDNOW dataset folder (../shared/datasets/cdnow) is absent';

test('given the CDNOW sample as orders, when BG/NBD and Gamma-Gamma are fitted to 1997-09-30, then the store path gives the published fits, the holdout table, scores and cards', { skip }, async () => {
  const app = await cdnowApp();
  try {
    const bg = await fitBgNbdModel(app, { calibrationEnd: '1997-09-30' });
    assert.equal(bg.customers, 2357);
    assert.ok(Math.abs(bg.r - 0.2425945) / 0.2425945 < 1e-4 && Math.abs(bg.alpha - 4.4136019) / 4.4136019 < 1e-4);
    assert.ok(Math.abs(bg.a - 0.7929199) / 0.7929199 < 1e-4 && Math.abs(bg.b - 2.4258881) / 2.4258881 < 1e-4);
    assert.ok(Math.abs(bg.loglik - -9582.429) < 0.001, `LL ${bg.loglik}`);
    assert.ok(bg.distinctHistories < bg.customers, 'identical histories are fitted once');

    const h = bg.card.metrics.holdout as HoldoutEvaluation;
    assert.equal(h.holdoutEnd, '1998-06-30');
    assert.equal(h.holdoutWeeks, 39);
    assert.equal(h.totalActual, 1882);
    const zero = h.byFrequency[0];
    assert.deepEqual([zero.x, zero.customers, Math.round(zero.actual * 1411)], ['0', 1411, 334]);
    assert.ok(Math.abs(h.totalPredicted - 1882) / 1882 < 0.15, `predicted ${h.totalPredicted}`);
    assert.equal(h.weekly.length, 78);
    assert.equal(h.weekly.at(-1)!.actualCumulative, 2457 + 1882);
    assert.equal(h.weekly.filter((w) => !w.holdout).length, 39);

    const gg = await fitGammaGammaModel(app, { calibrationEnd: '1997-09-30' });
    assert.equal(gg.customers, 946);
    for (const [k, want] of [['p', 6.24957], ['q', 3.74422], ['gamma', 15.44352]] as const) assert.ok(Math.abs(gg[k] - want) / want < 1e-5, `${k} ${gg[k]}`);
    assert.ok(Math.abs(gg.loglik - -4055.91769) < 1e-4);

    const s = await scoreClv(app, { asOf: '1997-09-30', horizonMonths: 12, discountRate: 0.1 });
    assert.equal(s.customers, 2357);
    const rows = await app.warehouse.all<{ score: string; n: number }>(`select score, count(*) as n from customer_scores where model = 'clv' group by score order by score`);
    assert.deepEqual(rows.map((r) => [r.score, Number(r.n)]), [['clv', 2357], ['expected_purchases', 2357], ['expected_purchases_30d', 2357], ['expected_spend', 2357], ['p_alive', 2357]]);
    // Customer 1 (x = 2, t_x = 30.43, T = 38.86 weeks): P(alive) from the FHL 2005 expression with the fitted parameters.
    const [c1] = await app.warehouse.all<{ value: number }>(`select value from customer_scores where customer_id = 1 and score = 'p_alive'`);
    assert.ok(Math.abs(c1.value - 0.7266) < 0.001, `P(alive) ${c1.value}`);
    const [zeroSpend] = await app.warehouse.all<{ value: number }>(`select value from customer_scores where customer_id = 3 and score = 'expected_spend'`);
    assert.ok(Math.abs(zeroSpend.value - gg.meanSpend) < 1e-9, 'a customer without repeats gets the population mean spend');

    assert.equal((await latestCard(app.state, app.workspaceId, 'bgnbd'))?.version, 1);
    const server = await buildServer(app);
    const headers = await authHeaders(app, 'analyst');
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (server.server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/models`, { headers });
      assert.equal(res.status, 200);
      const body = await res.json() as { models: { model: string; version: number; parameters: Record<string, number>; metrics: Record<string, unknown> }[] };
      assert.deepEqual(body.models.map((m) => m.model), ['bgnbd', 'gamma-gamma']);
      assert.ok(Math.abs(body.models[0].parameters.r - bg.r) < 1e-12);
      assert.ok((body.models[0].metrics.holdout as HoldoutEvaluation).byFrequency.length === 8);
      const missing = await fetch(`http://127.0.0.1:${port}/api/v1/models/churn`, { headers });
      assert.equal(missing.status, 404);
    } finally {
      await server.close();
    }
  } finally {
    app.close();
  }
});

test('given the CDNOW orders, when churn, clusters and next purchase are fitted and scored, then SQL scoring agrees with the model and every buyer gets scores', { skip }, async () => {
  const app = await cdnowApp();
  try {
    const churn = await fitChurnModel(app, { windowDays: 90 });
    assert.equal(churn.testCutoff, '1998-04-01');
    assert.equal(churn.trainCutoff, '1998-01-01');
    assert.ok(churn.auc > 0.7 && churn.auc < 1, `AUC ${churn.auc}`);
    const scored = await scoreChurn(app, {});
    assert.equal(scored.customers, 2357);
    // The SQL risk of a customer equals the logistic model applied in JS to the same features.
    const bg = fitBgNbd((await calibrationSummaries(app.warehouse, app.workspaceId, '1998-06-30', { triplets: true })).triplets!).params;
    const rows = await app.warehouse.all(`select * from (${CHURN_FEATURES_SQL.duckdb}) f where customer_id = 1`, { ws: 1, cut: '1998-06-30', win: 90, r: bg.r, alpha: bg.alpha, a: bg.a, bb: bg.b });
    const m = churn.card.parameters as unknown as LogisticModel;
    const js = predictLogistic(m, CHURN_FEATURES.map((f) => modelInput(f.name, Number(rows[0][f.name]))));
    const [sql] = await app.warehouse.all<{ value: number; label: string }>(`select value, label from customer_scores where customer_id = 1 and score = 'churn_risk'`);
    assert.ok(Math.abs(sql.value - js) < 1e-9, `SQL ${sql.value} vs JS ${js}`);
    assert.match(sql.label, /days ago|order\(s\)|chance of no order/);

    const clusters = await fitClusters(app, {});
    assert.ok(clusters.k >= 2 && clusters.k <= 8);
    assert.equal(clusters.clusters.reduce((s, c) => s + c.customers, 0), 2357);
    assert.equal(clusters.rfmCrossTab.reduce((s, c) => s + c.customers, 0), 2357);
    assert.equal(await app.warehouse.scalar(`select count(*) from customer_scores where model = 'clusters' and score = 'cluster'`), 2357);

    const next = await fitNextPurchase(app, {});
    assert.equal(next.customers, 2357);
    assert.deepEqual(next.replenishment, []); // CDNOW has no order lines or categories
    const [p] = await app.warehouse.all<{ lo: number; hi: number }>(`select min(value) as lo, max(value) as hi from customer_scores where model = 'next-purchase' and score = 'p_order_30d'`);
    assert.ok(p.lo >= 0 && p.hi <= 1);
  } finally {
    app.close();
  }
});

