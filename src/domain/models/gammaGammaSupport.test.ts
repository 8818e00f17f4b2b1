import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGammaGamma, positiveSpend } from './gammaGamma.ts';

test('given repeat customers with ¥0 mean spend (as the real CDNOW master has), Gamma-Gamma leaves them out and says how many', () => {
  const zbar = [10, 20, 30, 0, 15, 25, 40, 12];
  const data = { x: Float64Array.from([1, 2, 3, 2, 1, 4, 2, 3]), zbar: Float64Array.from(zbar), weight: Float64Array.from([5, 3, 2, 4, 6, 1, 2, 3]) };
  assert.equal(positiveSpend(data).excluded, 4);
  const fit = fitGammaGamma(data);
  assert.equal(fit.excluded, 4);
  assert.equal(fit.customers, 22);
  assert.ok(Number.isFinite(fit.logLikelihood));
  const without = fitGammaGamma({ x: Float64Array.from([1, 2, 3, 1, 4, 2, 3]), zbar: Float64Array.from([10, 20, 30, 15, 25, 40, 12]), weight: Float64Array.from([5, 3, 2, 6, 1, 2, 3]) });
  assert.deepEqual(fit.params, without.params);
});
