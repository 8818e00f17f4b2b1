import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc, calibrationTable, contributions, fitLogistic, predictLogistic, topPrecision } from './logistic.ts';
import { rng } from './random.ts';

test('given data drawn from a known logistic model, when fitted with a tiny ridge, then the coefficients are recovered', () => {
  const u = rng(7);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const a = u() * 4 - 2, b = u() * 2;
    rows.push([a, b]);
    const p = 1 / (1 + Math.exp(-(0.5 + 1.5 * a - 2 * b)));
    y.push(u() < p ? 1 : 0);
  }
  const m = fitLogistic(['a', 'b'], rows, y, { lambda: 1e-6 });
  // back on the raw scale: β_raw = β_std / sd
  assert.ok(Math.abs(m.coefficients[0] / m.sds[0] - 1.5) < 0.1, `a ${m.coefficients[0] / m.sds[0]}`);
  assert.ok(Math.abs(m.coefficients[1] / m.sds[1] - -2) < 0.12, `b ${m.coefficients[1] / m.sds[1]}`);
  assert.ok(m.iterations < 15);
  const scores = rows.map((r) => predictLogistic(m, r));
  const cal = calibrationTable(scores, y);
  for (const c of cal) assert.ok(Math.abs(c.predicted - c.actual) < 0.05, `bin ${c.bin}`);
  const c = contributions(m, [2, 0]);
  assert.ok(c[0] > 0 && c[1] > 0, 'high a and low b both raise the odds');
});

test('AUC and top-decile precision on small exact cases', () => {
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auc([0.5, 0.5], [0, 1]), 0.5);
  assert.equal(topPrecision([0.9, 0.1, 0.8, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.05], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 1);
  assert.equal(topPrecision([0.1, 0.9, 0.8, 0.7], [1, 0, 0, 0], 0.5), 0);
});
