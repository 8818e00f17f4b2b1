import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeBfgs } from './bfgs.ts';

test('given the Rosenbrock function from (−1.2, 1), when minimised, then BFGS reaches (1, 1)', () => {
  const res = minimizeBfgs((v, g) => {
    const [x, y] = v;
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  }, [-1.2, 1]);
  assert.ok(res.converged, res.message);
  assert.ok(Math.abs(res.x[0] - 1) < 1e-6 && Math.abs(res.x[1] - 1) < 1e-6, `${res.x}`);
  assert.ok(res.iterations < 100);
});

test('given an ill-conditioned 5-d quadratic, when minimised, then the minimiser is found to 1e-8', () => {
  const scale = [1, 10, 100, 1000, 1e4];
  const centre = [3, -2, 0.5, 7, -1];
  const res = minimizeBfgs((v, g) => {
    let f = 0;
    for (let i = 0; i < 5; i++) {
      const d = v[i] - centre[i];
      f += 0.5 * scale[i] * d * d;
      g[i] = scale[i] * d;
    }
    return f;
  }, [0, 0, 0, 0, 0]);
  assert.ok(res.converged, res.message);
  res.x.forEach((x, i) => assert.ok(Math.abs(x - centre[i]) < 1e-8, `x${i} = ${x}`));
});

test('given an objective that is not finite at the start, then it says so', () => {
  assert.throws(() => minimizeBfgs(() => NaN, [0]), /not finite/);
});
