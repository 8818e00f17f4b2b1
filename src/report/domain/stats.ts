/**
 * Significance of a claimed difference (显著性检验), pure functions. The report states a difference between two
 * groups only with its sample sizes and p-value from these.
 */
import type { Significance } from '../model.ts';

/** Standard normal CDF Φ(x) (Abramowitz–Stegun 7.1.26 via erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Two-proportion z-test (双样本比例 z 检验), pooled variance, two-sided: successes k1 of n1 against k2 of n2.
 * Returns null when either group is empty or the pooled share is 0 or 1 (no variance: nothing to test).
 */
export function twoProportionZ(k1: number, n1: number, k2: number, n2: number): Significance | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const p = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (p1 - p2) / se;
  return { test: 'two-proportion z', n1, n2, p1, p2, z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Conventional threshold the report uses before it calls a difference real. */
export const ALPHA = 0.05;

export const isSignificant = (s: Significance | null | undefined): s is Significance => !!s && s.pValue < ALPHA;

/** Relative change (current − base) / base, or null without a base. */
export function relativeChange(current: number | null, base: number | null): number | null {
  if (current === null || base === null || base === 0) return null;
  return (current - base) / Math.abs(base);
}

