import { lnGamma, psi } from './special.ts';
import { minimizeBfgs } from './optimize/bfgs.ts';
import type { RepeatSpend } from './summaries.ts';
import { indexValues, type Indexed } from './prepared.ts';
import type { FitResult } from './bgnbd.ts';

/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value") — 客单价模型. Each
 * transaction's value is Gamma(p, ν); across customers ν ~ Gamma(q, γ). Fitted on repeat customers only (x ≥ 1),
 * with zbar the mean value of their repeat transactions.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A repeat-spend summary prepared for repeated evaluations: x as an index, and the sums that do not depend on the parameters. */
export interface PreparedRepeatSpend {
  data: RepeatSpend;
  xs: Indexed;
  /** Per distinct x: Σ weight, ln x. */
  weightPerX: Float64Array;
  lnX: Float64Array;
  /** Σ w·ln z̄, Σ w·x·(ln x + ln z̄). */
  sumWLnZ: number;
  sumWXLnXZ: number;
  /** Rows with x ≥ 1 (others are ignored). */
  rows: Int32Array;
}

export function prepareRepeatSpend(data: RepeatSpend): PreparedRepeatSpend {
  const [xs] = indexValues(data.x);
  const weightPerX = new Float64Array(xs.values.length);
  const lnX = xs.values.map((x) => (x > 0 ? Math.log(x) : 0));
  let sumWLnZ = 0, sumWXLnXZ = 0;
  const rows: number[] = [];
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i];
    if (!(x > 0)) continue;
    rows.push(i);
    const w = data.weight[i];
    const lnZ = Math.log(data.zbar[i]);
    weightPerX[xs.index[i]] += w;
    sumWLnZ += w * lnZ;
    sumWXLnXZ += w * x * (Math.log(x) + lnZ);
  }
  return { data, xs, weightPerX, lnX, sumWLnZ, sumWXLnXZ, rows: Int32Array.from(rows) };
}

/**
 * Log-likelihood of the mean spend zbar given x (the density of z̄ in Fader & Hardie 2013, eq. 3, with every
 * constant: the CDNOW sample gives −4055.918). With grad, writes ∂LL/∂(ln p, ln q, ln γ).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: RepeatSpend | PreparedRepeatSpend, grad?: Float64Array): number {
  const prep = 'xs' in data ? data : prepareRepeatSpend(data);
  const { p, q, gamma } = params;
  const { zbar, weight } = prep.data;
  const X = prep.xs.values;
  const lnG = Math.log(gamma);
  const lgQ = lnGamma(q), psiQ = grad ? psi(q) : 0;
  // Terms that depend on a row only through x, summed with the weights per distinct x.
  let ll = p * prep.sumWXLnXZ - prep.sumWLnZ;
  let gp = prep.sumWXLnXZ, gq = 0, gg = 0;
  for (let k = 0; k < X.length; k++) {
    const W = prep.weightPerX[k];
    if (W === 0) continue;
    const px = p * X[k];
    ll += W * (lnGamma(px + q) - lnGamma(px) - lgQ + q * lnG);
    if (grad) {
      const psiS = psi(px + q);
      gp += W * X[k] * (psiS - psi(px));
      gq += W * (psiS - psiQ + lnG);
      gg += W * (q / gamma);
    }
  }
  const xi = prep.xs.index;
  const rows = prep.rows;
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j];
    const x = X[xi[i]];
    const w = weight[i];
    const px = p * x;
    const s = x * zbar[i] + gamma;
    const lnS = Math.log(s);
    ll -= w * (px + q) * lnS;
    if (grad) {
      gp -= w * x * lnS;
      gq -= w * lnS;
      gg -= w * (px + q) / s;
    }
  }
  if (grad) {
    grad[0] = gp * p; grad[1] = gq * q; grad[2] = gg * gamma;
  }
  return ll;
}

/** Maximum-likelihood fit over log-parameters with BFGS and the analytic gradient (rows with x = 0 are ignored). */
/**
 * Rows whose mean repeat spend is not positive (real logs hold ¥0 orders: gifts, fully discounted) lie outside the
 * Gamma-Gamma support; they are left out of the fit (as lifetimes requires monetary_value > 0) and counted.
 */
export function positiveSpend(data: RepeatSpend): { data: RepeatSpend; excluded: number } {
  const keep: number[] = [];
  let excluded = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (data.zbar[i] > 0) keep.push(i);
    else if (data.x[i] > 0) excluded += data.weight[i];
  }
  if (keep.length === data.x.length) return { data, excluded: 0 };
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return { data: { x: pick(data.x), zbar: pick(data.zbar), weight: pick(data.weight) }, excluded };
}

export function fitGammaGamma(all: RepeatSpend, start?: Partial<GammaGammaParams>): FitResult<GammaGammaParams> & { excluded: number } {
  const { data, excluded } = positiveSpend(all);
  let customers = 0;
  let meanZ = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (data.x[i] > 0) { customers += data.weight[i]; meanZ += data.weight[i] * data.zbar[i]; }
  }
  if (customers === 0) throw new RangeError('no repeat customers to fit');
  meanZ /= customers;
  const s = { p: 1, q: 2, gamma: Math.max(1e-6, meanZ), ...start };
  const toParams = (th: ArrayLike<number>): GammaGammaParams => ({ p: Math.exp(th[0]), q: Math.exp(th[1]), gamma: Math.exp(th[2]) });
  const prepared = prepareRepeatSpend(data);
  const res = minimizeBfgs((th, g) => {
    const ll = gammaGammaLogLikelihood(toParams(th), prepared, g);
    for (let i = 0; i < 3; i++) g[i] = -g[i] / customers;
    return -ll / customers;
  }, [Math.log(s.p), Math.log(s.q), Math.log(s.gamma)], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const params = toParams(res.x);
  return {
    params, logLikelihood: gammaGammaLogLikelihood(params, prepared), customers, rows: data.x.length,
    iterations: res.iterations, converged: res.converged, excluded,
  };
}

/**
 * E[M | x, z̄]: the expected value of a customer's future transactions (Fader & Hardie 2013 eq. 5), a weighted mean
 * of the population mean pγ/(q−1) and the customer's own z̄. Needs q > 1.
 */
export function conditionalExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}

/** The population mean spend per transaction, pγ/(q − 1). */
export function populationMeanSpend(params: GammaGammaParams): number {
  return (params.p * params.gamma) / (params.q - 1);
}
