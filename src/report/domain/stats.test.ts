import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalCdf, twoProportionZ, isSignificant } from './stats.ts';

test('normalCdf matches the table at 0, 1.96 and -1.96', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.96) - 0.975) < 1e-4);
  assert.ok(Math.abs(normalCdf(-1.96) - 0.025) < 1e-4);
});

test('given 120 of 1000 against 80 of 1000, the two-proportion z is 2.98 and p ≈ 0.0029', () => {
  const s = twoProportionZ(120, 1000, 80, 1000)!;
  assert.ok(Math.abs(s.z - 2.981) < 1e-3, String(s.z));
  assert.ok(Math.abs(s.pValue - 0.00287) < 1e-4, String(s.pValue));
  assert.ok(isSignificant(s));
});

test('given equal shares or an empty group, nothing is claimed', () => {
  assert.equal(isSignificant(twoProportionZ(10, 100, 10, 100)), false);
  assert.equal(twoProportionZ(0, 0, 1, 10), null);
  assert.equal(twoProportionZ(0, 10, 0, 10), null);
});
