// The models score only the customers the consent policy permits for analytics (docs/privacy.md, "What each
// purpose governs"): a customer whose analytics consent is withdrawn, or whose processing is restricted, gets no
// CLV, churn risk or cluster; fits are population statistics. Data: the CDNOW sample (skips when absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { hasCdnow } from '../src/domain/models/cdnow.fixture.ts';
import { cdnowApp } from '../src/models/cdnowStore.fixture.ts';
import { fitBgNbdModel, fitGammaGammaModel } from '../src/models/fit.ts';
import { scoreClv } from '../src/models/score.ts';
import { fitChurnModel, scoreChurn } from '../src/models/churn.ts';
import { fitClusters } from '../src/models/clusters.ts';
import { recordConsent } from '../src/privacy/consentLedger.ts';
import { restrict } from '../src/privacy/dsr/rights.ts';

const skip = hasCdnow() ? false : 'CDNOW dataset folder (../shared/datasets/cdnow) is absent';

test('a withdrawn and a restricted customer get no CLV, churn risk or cluster; everyone else still does', { skip }, async () => {
  const app = await cdnowApp();
  try {
    await recordConsent(app, { customerId: 4, purpose: 'analytics', status: 'withdrawn' });
    await restrict(app, 18);
    await fitBgNbdModel(app, { calibrationEnd: '1997-09-30' });
    await fitGammaGammaModel(app, { calibrationEnd: '1997-09-30' });
    const clv = await scoreClv(app, { asOf: '1997-09-30', horizonMonths: 12, discountRate: 0.1 });
    assert.equal(clv.customers, 2357 - 2);
    await fitChurnModel(app, { windowDays: 90 });
    const churn = await scoreChurn(app, {});
    const clusters = await fitClusters(app, {});
    const buyers = await app.warehouse.scalar(`select count(distinct customer_id) from orders`);
    assert.equal(churn.customers, buyers - 2);
    assert.equal(clusters.customers, buyers, 'the centroids are fitted on the population (a statistic, like the totals)');
    assert.equal(await app.warehouse.scalar(`select count(*) from customer_scores where model = 'clusters' and score = 'cluster'`), buyers - 2);
    for (const model of ['clv', 'churn', 'clusters']) {
      const n = await app.warehouse.scalar(`select count(*) from customer_scores where model = $m and customer_id in (4, 18)`, { m: model });
      assert.equal(n, 0, `${model} scores neither customer 4 nor 18`);
      assert.ok(await app.warehouse.scalar(`select count(*) from customer_scores where model = $m and customer_id = 5`, { m: model }), `${model} still scores customer 5`);
    }
  } finally {
    await app.close();
    rmSync(app.dir, { recursive: true, force: true });
  }
});
