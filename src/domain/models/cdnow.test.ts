// Specification: the models reproduce the published CDNOW fits (../shared/datasets/cdnow/SOURCE.md).
// Input convention: exact day counts — x = distinct purchase days in weeks 1–39 minus one, t_x and T in days / 7,
// calibration end 1997-09-30 inclusive; zbar from same-day rows summed. This reproduces CLVTools and the paper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdnowSample, cdnowSummaryCsv, hasCdnow } from './cdnow.fixture.ts';
import { recencyFrequency, repeatSpend } from './summaries.ts';
import { bgNbdLogLikelihood, bgNbdStandardErrors, fitBgNbd } from './bgnbd.ts';
import { fitGammaGamma, gammaGammaLogLikelihood, conditionalExpectedSpend } from './gammaGamma.ts';
import { conditionalExpectedPurchases, expectedPurchases, probabilityAlive, probabilityOfPurchases } from './bgnbdExpectations.ts';
import { customerLifetimeValue } from './clv.ts';

const skip = hasCdnow() ? false : 'CDNOW dataset folder (../shared/datasets/cdnow) is absent';
const near = (got: number, want: number, rel: number, what: string) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: got ${got}, want ${want} (±${rel * 100}%)`);

// Parameters lifetimes fits on its 2-dp CSV (docs/Quickstart.md); the Quickstart's per-customer numbers use them.
const LIFETIMES_BG = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const LIFETIMES_GG = { p: 6.248802, q: 3.744588, gamma: 15.447748 };
const PAPER_BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

test('given the CDNOW sample with exact day counts, when BG/NBD is fitted, then it gives the CLVTools / FHL 2005 MLE', { skip }, () => {
  const customers = cdnowSample();
  assert.equal(customers.length, 2357);
  assert.equal(customers.reduce((s, c) => s + c.x, 0), 2457);
  assert.equal(customers.filter((c) => c.x === 0).length, 1411);
  const fit = fitBgNbd(recencyFrequency(customers));
  assert.ok(fit.converged);
  near(fit.params.r, 0.2425945, 1e-4, 'r');
  near(fit.params.alpha, 4.4136019, 1e-4, 'alpha');
  near(fit.params.a, 0.7929199, 1e-4, 'a');
  near(fit.params.b, 2.4258881, 1e-4, 'b');
  assert.ok(Math.abs(fit.logLikelihood - -9582.429) < 0.001, `LL ${fit.logLikelihood}`);
  assert.equal(fit.customers, 2357);
});

test('given the paper\'s rounded parameters, then the log-likelihood on exact days is −9582.43 and on the 2-dp CSV −9582.4268', { skip }, () => {
  const ll = bgNbdLogLikelihood({ r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 }, recencyFrequency(cdnowSample()));
  assert.ok(Math.abs(ll - -9582.429) < 0.001, `${ll}`);
  const llCsv = bgNbdLogLikelihood(PAPER_BG, recencyFrequency(cdnowSummaryCsv()));
  assert.ok(Math.abs(llCsv - -9582.4268) < 0.001, `${llCsv}`);
});

test('given the 2-dp CSV, when BG/NBD is fitted, then it gives the lifetimes numbers', { skip }, () => {
  const fit = fitBgNbd(recencyFrequency(cdnowSummaryCsv()));
  for (const k of ['r', 'alpha', 'a', 'b'] as const) near(fit.params[k], LIFETIMES_BG[k], 1e-4, k);
  assert.ok(Math.abs(fit.logLikelihood - -9582.42556) < 0.001);
  // and the standard errors lifetimes prints (docs/Quickstart.md): 0.012557, 0.378221, 0.185719, 0.705345
  const se = bgNbdStandardErrors(fit.params, recencyFrequency(cdnowSummaryCsv()));
  near(se.r, 0.012557, 2e-3, 'se r'); near(se.alpha, 0.378221, 2e-3, 'se alpha'); near(se.a, 0.185719, 2e-3, 'se a'); near(se.b, 0.705345, 2e-3, 'se b');
});

test('given the 946 repeat customers with exact zbar, when Gamma-Gamma is fitted, then p, q, γ and LL match Fader & Hardie 2013 / CLVTools', { skip }, () => {
  const repeaters = cdnowSample().filter((c) => c.x > 0);
  assert.equal(repeaters.length, 946);
  const fit = fitGammaGamma(repeatSpend(repeaters));
  near(fit.params.p, 6.24957, 1e-5, 'p');
  near(fit.params.q, 3.74422, 1e-5, 'q');
  near(fit.params.gamma, 15.44352, 1e-5, 'gamma');
  assert.ok(Math.abs(fit.logLikelihood - -4055.91769) < 1e-4, `LL ${fit.logLikelihood}`);
  assert.ok(Math.abs(gammaGammaLogLikelihood(fit.params, repeatSpend(repeaters)) - fit.logLikelihood) < 1e-9);
});

test('given the 2-dp zbar of the CSV, when Gamma-Gamma is fitted, then it gives lifetimes\' 6.2488, 3.7446, 15.4477', { skip }, () => {
  const fit = fitGammaGamma(repeatSpend(cdnowSummaryCsv().filter((c) => c.x > 0)));
  near(fit.params.p, LIFETIMES_GG.p, 1e-5, 'p');
  near(fit.params.q, LIFETIMES_GG.q, 1e-5, 'q');
  near(fit.params.gamma, LIFETIMES_GG.gamma, 1e-5, 'gamma');
  assert.ok(Math.abs(fit.logLikelihood - -4055.92324) < 1e-4);
});

test('the FHL 2005 expressions give Hardie\'s spreadsheet values', () => {
  const h = { x: 2, tx: 30.43, T: 38.86 };
  near(conditionalExpectedPurchases(LIFETIMES_BG, h, 39), 1.2259104, 1e-6, 'E[Y(39) | 2, 30.43, 38.86]');
  near(probabilityAlive(LIFETIMES_BG, h), 0.72660914, 1e-6, 'P(alive)');
  const times = [0.1429, 1, 3, 31.8571, 32, 78];
  const sheet = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
  times.forEach((t, i) => assert.ok(Math.abs(expectedPurchases(LIFETIMES_BG, t) - sheet[i]) < 1e-3, `E[X(${t})]`));
  near(probabilityOfPurchases(PAPER_BG, 2, 10), 1.07869e-7, 1e-4, 'P(X(2)=10)');
  near(probabilityOfPurchases(PAPER_BG, 39, 0), 0.5737864, 1e-6, 'P(X(39)=0)');
  let total = 0;
  for (let k = 0; k < 200; k++) total += probabilityOfPurchases(PAPER_BG, 39, k);
  assert.ok(Math.abs(total - 1) < 1e-9, `P(X(39)=k) sums to ${total}`);
  assert.equal(probabilityAlive(LIFETIMES_BG, { x: 0, tx: 0, T: 30 }), 1);
});

test('given the CSV, then the top-5 expected purchases next week, E[M] and 12-period CLV match the lifetimes Quickstart', { skip }, () => {
  const csv = cdnowSummaryCsv();
  const byId = new Map(csv.map((c) => [c.id, c]));
  const top = { 509: 0.424877, 841: 0.474738, 1981: 0.486526, 157: 0.662396, 1516: 0.710623 };
  for (const [id, want] of Object.entries(top)) near(conditionalExpectedPurchases(LIFETIMES_BG, byId.get(Number(id))!, 1), want, 1e-5, `customer ${id}`);
  const em = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981];
  // The Quickstart's CLV calls lifetimes with its default freq='D' (a "month" = 30 model time units) on a weekly fit.
  const clv = [140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574];
  csv.slice(0, 10).forEach((c, i) => {
    const spend = conditionalExpectedSpend(LIFETIMES_GG, c.x, c.zbar);
    near(spend, em[i], 2e-6, `E[M] customer ${c.id}`);
    near(customerLifetimeValue(LIFETIMES_BG, c, spend, { periods: 12, periodLength: 30, discountRate: 0.01 }), clv[i], 2e-6, `CLV customer ${c.id}`);
  });
});

test('given the sample, then the 1,411 zero-repeat customers made 334 holdout purchase-days and everyone 1,882', { skip }, () => {
  const c = cdnowSample();
  assert.equal(c.filter((r) => r.x === 0).reduce((s, r) => s + r.holdoutX, 0), 334);
  assert.equal(c.reduce((s, r) => s + r.holdoutX, 0), 1882);
});
