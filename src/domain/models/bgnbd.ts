import { lnGamma, psi } from './special.ts';
import { indexValues, type Indexed } from './prepared.ts';
import { minimizeBfgs } from './optimize/bfgs.ts';
import { Matrix, inverse } from 'ml-matrix';
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

/** A summary prepared for repeated likelihood evaluations (see prepared.ts). */
export interface PreparedRecencyFrequency {
  data: RecencyFrequency;
  xs: Indexed;
  tx: Indexed;
  T: Indexed;
}

export function prepareRecencyFrequency(data: RecencyFrequency): PreparedRecencyFrequency {
  const [xs] = indexValues(data.x);
  const [tx, T] = indexValues(data.tx, data.T);
  return { data, xs, tx, T };
}

/**
 * Log-likelihood of FHL 2005 eq. (6), summed over the rows with their weights, including every constant (so the
 * CDNOW sample gives −9582.43). With grad, writes ∂LL/∂(ln r, ln α, ln a, ln b) into it.
 */
export function bgNbdLogLikelihood(p: BgNbdParams, data: RecencyFrequency | PreparedRecencyFrequency, grad?: Float64Array): number {
  const prep = 'xs' in data ? data : prepareRecencyFrequency(data);
  const { r, alpha, a, b } = p;
  const { weight } = prep.data;
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  // Per distinct x: the Γ-function terms, their derivatives, and ln(b + x − 1).
  const X = prep.xs.values;
  const nx = X.length;
  const lg = new Float64Array(nx), dr = new Float64Array(nx), dab = new Float64Array(nx), db = new Float64Array(nx), lnBx1 = new Float64Array(nx);
  const lgR = lnGamma(r), lgB = lnGamma(b), lgAB = lnGamma(a + b);
  const psiR = grad ? psi(r) : 0, psiB = grad ? psi(b) : 0, psiAB = grad ? psi(a + b) : 0;
  for (let k = 0; k < nx; k++) {
    const xk = X[k];
    lg[k] = lnGamma(r + xk) - lgR + lnGamma(b + xk) - lnGamma(a + b + xk) - lgB + lgAB;
    lnBx1[k] = xk > 0 ? Math.log(b + xk - 1) : 0;
    if (grad) {
      dr[k] = psi(r + xk) - psiR;
      dab[k] = psiAB - psi(a + b + xk);
      db[k] = psi(b + xk) - psiB;
    }
  }
  // Per distinct time u: ln(α + u) and 1/(α + u).
  const U = prep.T.values;
  const lnAU = new Float64Array(U.length), invAU = new Float64Array(U.length);
  for (let k = 0; k < U.length; k++) { lnAU[k] = Math.log(alpha + U[k]); invAU[k] = 1 / (alpha + U[k]); }
  const xi = prep.xs.index, ti = prep.T.index, txi = prep.tx.index;
  let ll = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
  for (let i = 0; i < xi.length; i++) {
    const k = xi[i];
    const x = X[k];
    const w = weight[i];
    const rx = r + x;
    const lnAT = lnAU[ti[i]];
    let li = lg[k] + r * lnAlpha - rx * lnAT;
    if (x > 0) {
      const lnRatio = lnAT - lnAU[txi[i]];
      // d = ln of (second term / first term) of eq. (6): the odds of "dropped out right after the last purchase".
      const d = lnA - lnBx1[k] + rx * lnRatio;
      const e = Math.exp(-Math.abs(d));
      li += Math.max(d, 0) + Math.log1p(e);
      if (grad) {
        const pi = d >= 0 ? 1 / (1 + e) : e / (1 + e);
        gr += w * (dr[k] + lnAlpha - lnAT + pi * lnRatio);
        gAlpha += w * (r / alpha - rx * invAU[ti[i]] + pi * rx * (invAU[ti[i]] - invAU[txi[i]]));
        ga += w * (dab[k] + pi / a);
        gb += w * (dab[k] + db[k] - pi / (b + x - 1));
      }
    } else if (grad) {
      gr += w * (dr[k] + lnAlpha - lnAT);
      gAlpha += w * (r / alpha - rx * invAU[ti[i]]);
      ga += w * dab[k];
      gb += w * (dab[k] + db[k]);
    }
    ll += w * li;
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
  const prepared = prepareRecencyFrequency(data);
  const res = minimizeBfgs((th, g) => {
    const ll = bgNbdLogLikelihood(toParams(th), prepared, g);
    for (let i = 0; i < 4; i++) g[i] = -g[i] / customers;
    return -ll / customers;
  }, [Math.log(s.r), Math.log(s.alpha), Math.log(s.a), Math.log(s.b)], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const params = toParams(res.x);
  return {
    params, logLikelihood: bgNbdLogLikelihood(params, prepared), customers, rows: data.x.length,
    iterations: res.iterations, converged: res.converged,
  };
}

/**
 * Asymptotic standard errors of (r, α, a, b) at the MLE: the inverse of the observed information (the Hessian of
 * −LL, by central differences of the analytic gradient in log-parameters), mapped back by the delta method.
 */
export function bgNbdStandardErrors(p: BgNbdParams, data: RecencyFrequency | PreparedRecencyFrequency): BgNbdParams {
  const prep = 'xs' in data ? data : prepareRecencyFrequency(data);
  const theta = [Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b)];
  const se = standardErrorsFromGradient(theta, (th, g) => bgNbdLogLikelihood(
    { r: Math.exp(th[0]), alpha: Math.exp(th[1]), a: Math.exp(th[2]), b: Math.exp(th[3]) }, prep, g));
  return { r: se[0], alpha: se[1], a: se[2], b: se[3] };
}

/** SEs of exp(θ) from the gradient of a log-likelihood in θ (log-parameters). */
export function standardErrorsFromGradient(theta: number[], gradient: (th: number[], g: Float64Array) => void): number[] {
  const k = theta.length;
  const h = 1e-5;
  const H: number[][] = [];
  for (let j = 0; j < k; j++) {
    const gp = new Float64Array(k), gm = new Float64Array(k);
    gradient(theta.map((t, i) => (i === j ? t + h : t)), gp);
    gradient(theta.map((t, i) => (i === j ? t - h : t)), gm);
    H.push(Array.from({ length: k }, (_, i) => -(gp[i] - gm[i]) / (2 * h)));
  }
  const sym = H.map((row, i) => row.map((v, j) => (v + H[j][i]) / 2));
  const cov = inverse(new Matrix(sym));
  return theta.map((t, i) => Math.exp(t) * Math.sqrt(Math.max(0, cov.get(i, i))));
}
