import { lnGamma, psi, softplus } from './special.ts';
import { minimizeBfgs } from './optimize/bfgs.ts';
import { totalWeight, type RecencyFrequency } from './summaries.ts';

/**
 * BG/NBD (Beta-Geometric / Negative Binomial Distribution; Fader, Hardie & Lee 2005, "Counting your customers
 * the easy way", Marketing Science 24(2)) — 复购预测模型. While alive a customer buys as a Poisson process with
 * rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Log-likelihood of FHL 2005 eq. (6), summed over the rows with their weights, including every constant (so the
 * CDNOW sample gives −9582.43). With grad, writes ∂LL/∂(ln r, ln α, ln a, ln b) into it.
 */
export function bgNbdLogLikelihood(p: BgNbdParams, data: RecencyFrequency, grad?: Float64Array): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T, weight } = data;
  const n = x.length;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  // Terms that depend on a row only through x are computed once per distinct x (x is a small integer count).
  const perX = new Map<number, { lg: number; dr: number; dab: number; db: number }>();
  const lgR = lnGamma(r), lgB = lnGamma(b), lgAB = lnGamma(a + b);
  const psiR = psi(r), psiB = psi(b), psiAB = psi(a + b);
  let ll = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const w = weight[i];
    let k = perX.get(xi);
    if (!k) {
      k = {
        lg: lnGamma(r + xi) - lgR + lnGamma(b + xi) - lnGamma(a + b + xi) - lgB + lgAB,
        dr: psi(r + xi) - psiR,
        dab: psiAB - psi(a + b + xi),
        db: psi(b + xi) - psiB,
      };
      perX.set(xi, k);
    }
    const rx = r + xi;
    const lnAT = Math.log(alpha + T[i]);
    let li = k.lg + r * lnAlpha - rx * lnAT;
    let pi = 0, lnRatio = 0, dRatioDalpha = 0, bx1 = 0;
    if (xi > 0) {
      const lnAtx = Math.log(alpha + tx[i]);
      lnRatio = lnAT - lnAtx;
      bx1 = b + xi - 1;
      // d = ln of (second term / first term) of eq. (6): the weight of "dropped out right after the last purchase".
      const d = lnA - Math.log(bx1) + rx * lnRatio;
      li += softplus(d);
      pi = 1 / (1 + Math.exp(-d));
      dRatioDalpha = 1 / (alpha + T[i]) - 1 / (alpha + tx[i]);
    }
    ll += w * li;
    if (grad) {
      gr += w * (k.dr + lnAlpha - lnAT + pi * lnRatio);
      gAlpha += w * (r / alpha - rx / (alpha + T[i]) + pi * rx * dRatioDalpha);
      ga += w * (k.dab + (xi > 0 ? pi / a : 0));
      gb += w * (k.dab + k.db - (xi > 0 ? pi / bx1 : 0));
    }
  }
  if (grad) {
    grad[0] = gr * r; grad[1] = gAlpha * alpha; grad[2] = ga * a; grad[3] = gb * b;
  }
  return ll;
}

export interface FitResult<P> {
  params: P;
  logLikelihood: number;
  customers: number;
  rows: number;
  iterations: number;
  converged: boolean;
}

/**
 * Maximum-likelihood fit over log-parameters (so every parameter stays positive) with BFGS and the analytic
 * gradient. The objective is the mean negative log-likelihood per customer, so the tolerance does not depend on
 * how many customers there are.
 */
export function fitBgNbd(data: RecencyFrequency, start?: Partial<BgNbdParams>): FitResult<BgNbdParams> {
  const customers = totalWeight(data.weight);
  if (customers === 0) throw new RangeError('no customers to fit');
  let meanT = 0;
  for (let i = 0; i < data.T.length; i++) meanT += data.weight[i] * data.T[i];
  meanT /= customers;
  const s = { r: 1, alpha: Math.max(1, meanT), a: 1, b: 1, ...start };
  const toParams = (th: ArrayLike<number>): BgNbdParams =>
    ({ r: Math.exp(th[0]), alpha: Math.exp(th[1]), a: Math.exp(th[2]), b: Math.exp(th[3]) });
  const res = minimizeBfgs((th, g) => {
    const ll = bgNbdLogLikelihood(toParams(th), data, g);
    for (let i = 0; i < 4; i++) g[i] = -g[i] / customers;
    return -ll / customers;
  }, [Math.log(s.r), Math.log(s.alpha), Math.log(s.a), Math.log(s.b)], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const params = toParams(res.x);
  return {
    params, logLikelihood: bgNbdLogLikelihood(params, data), customers, rows: data.x.length,
    iterations: res.iterations, converged: res.converged,
  };
}
