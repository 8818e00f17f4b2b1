import gammaln from '@stdlib/math-base-special-gammaln';
import digamma from '@stdlib/math-base-special-digamma';

/** ln Γ(x) and ψ(x) = d/dx ln Γ(x), from @stdlib (well tested, double precision). */
export const lnGamma: (x: number) => number = gammaln;
export const psi: (x: number) => number = digamma;

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** ln(1 + e^d) without overflow. */
export function softplus(d: number): number {
  return d > 0 ? d + Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d));
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1 by its power series, summed until a term no
 * longer changes the sum in double precision. The BG/NBD expressions only need z = t/(α + T + t) ∈ [0, 1).
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (z < 0 || z >= 1) throw new RangeError(`hyp2f1 needs 0 ≤ z < 1 (got ${z})`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 1_000_000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) return sum;
  }
  return sum;
}
