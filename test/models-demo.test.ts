import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { generateDemo } from '../src/demo/generate.ts';
import { loadDemo } from '../src/demo/load.ts';
import { fitBgNbdModel, fitGammaGammaModel } from '../src/models/fit.ts';
import { fitChurnModel } from '../src/models/churn.ts';

/**
 * Given the demo brand (3,000 people, seed 11) loaded through the import path, the models recover what was
 * planted (truth.json): BG/NBD r, α, a, b within three standard errors of the fit, the Gamma-Gamma mean spend
 * within 10 %, and a churn model that separates the held-out window with AUC ≥ 0.75.
 */
const root = mkdtempSync(join(tmpdir(), 'siyu-models-demo-'));
const gen = await generateDemo({ customers: 3000, seed: 11, out: join(root, 'files') });
const truth = gen.truth;
const app = await openApp({ dir: join(root, 'store') });
await loadDemo(app, join(root, 'files'));

test.after(() => {
  app.close();
  rmSync(root, { recursive: true, force: true });
});

test('BG/NBD fitted over the whole window recovers the planted r, α, a, b within three standard errors', async () => {
  const planted = truth.parameters.bgnbd as { r: number; alpha: number; a: number; b: number };
  const fit = await fitBgNbdModel(app, { calibrationEnd: truth.window.end });
  assert.ok(fit.converged);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    assert.ok(Math.abs(fit[k] - planted[k]) <= 3 * fit.standardErrors[k], `${k}: fitted ${fit[k].toFixed(3)} ± ${fit.standardErrors[k].toFixed(3)}, planted ${planted[k]}`);
  }
});

test('Gamma-Gamma\'s population mean spend per order is the planted ¥150 within 10 %', async () => {
  const gg = await fitGammaGammaModel(app, { calibrationEnd: truth.window.end });
  const planted = truth.parameters.gammaGamma as { p: number; q: number; gamma: number };
  const want = (planted.p * planted.gamma) / (planted.q - 1);
  assert.ok(Math.abs(gg.meanSpend - want) / want < 0.1, `mean spend ${gg.meanSpend} vs ${want}`);
});

// The demo's purchases are BG/NBD by construction (memoryless, a constant rate until a silent drop-out), its content
// reads are independent of buying, and its views/carts only precede an order by ≤ 15 days: so the BG/NBD P(no order)
// is close to the best possible score and the ceiling is low. Measured on this store (3,000 people, seed 11), held-out
// AUC 0.7525 for a 30-day window, 0.741 for 60, 0.740 for 90 (with the "since the last order" and "overdue"
// features; 0.7519 / 0.741 / 0.737 without); at 5,000 people, seed 1: 0.775 / 0.764 / 0.741 (0.762 / 0.758 / 0.736
// without). The AUC's sampling error on ~2,000 test customers is ≈ 0.01, so the margin here stays small.
test('the churn model, trained on one window and tested on the next, scores AUC ≥ 0.75 with a useful top decile', async () => {
  const churn = await fitChurnModel(app, { windowDays: 30 });
  assert.ok(churn.auc >= 0.75, `AUC ${churn.auc}`);
  assert.ok(churn.topDecilePrecision > churn.churnRate, `top decile ${churn.topDecilePrecision} vs base rate ${churn.churnRate}`);
  const last = churn.calibration.at(-1)!;
  assert.ok(Math.abs(last.predicted - last.actual) < 0.1, 'the riskiest decile is calibrated within 10 points');
});
