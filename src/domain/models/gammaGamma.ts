import { lnGamma, psi } from './special.ts';
import { minimizeBfgs } from './optimize/bfgs.ts';
import type { RepeatSpend } from './summaries.ts';
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

/**
 * Log-likelihood of the mean spend zbar given x (the density of z̄ in Fader & Hardie 2013, eq. 3, with every
 * constant: the CDNOW sample gives −4055.918). With grad, writes ∂LL/∂(ln p, ln q, ln γ).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: RepeatSpend, grad?: Float64Array): number {
  const { p, q, gamma } = params;
  const { x, zbar, weight } = data;
  const lnG = Math.log(gamma);
  const lgQ = lnGamma(q), psiQ = psi(q);
  const perX = new Map<number, { lg: number; dp: number; dq: number }>();
  let ll = 0, gp = 0, gq = 0, gg = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (!(xi > 0)) continue;
    const w = weight[i];
    const px = p * xi;
    let k = perX.get(xi);
    if (!k) {
      const lgs = lnGamma(px + q);
      k = { lg: lgs - lnGamma(px) - lgQ + px * Math.log(xi), dp: psi(px + q) - psi(px), dq: psi(px + q) - psiQ };
      perX.set(xi, k);
    }
    const lnZ = Math.log(zbar[i]);
    const s = xi * zbar[i] + gamma;
    const lnS = Math.log(s);
    ll += w * (k.lg + q * lnG + (px - 1) * lnZ - (px + q) * lnS);
    if (grad) {
      gp += w * xi * (k.dp + Math.log(xi) + lnZ - lnS);
      gq += w * (k.dq + lnG - lnS);
      gg += w * (q / gamma - (px + q) / s);
    }
  }
  if (grad) {
    grad[0] = gp * p; grad[1] = gq * q; grad[2] = gg * gamma;
  }
  return ll;
}

/** Maximum-likelihood fit over log-parameters with BFGS and the analytic gradient (rows with x = 0 are ignored). */
export function fitGammaGamma(data: RepeatSpend, start?: Partial<GammaGammaParams>): FitResult<GammaGammaParams> {
  let customers = 0;
  let meanZ = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (data.x[i] > 0) { customers += data.weight[i]; meanZ += data.weight[i] * data.zbar[i]; }
  }
  if (customers === 0) throw new RangeError('no repeat customers to fit');
  meanZ /= customers;
  const s = { p: 1, q: 2, gamma: Math.max(1e-6, meanZ), ...start };
  const toParams = (th: ArrayLike<number>): GammaGammaParams => ({ p: Math.exp(th[0]), q: Math.exp(th[1]), gamma: Math.exp(th[2]) });
  const res = minimizeBfgs((th, g) => {
    const ll = gammaGammaLogLikelihood(toParams(th), data, g);
    for (let i = 0; i < 3; i++) g[i] = -g[i] / customers;
    return -ll / customers;
  }, [Math.log(s.p), Math.log(s.q), Math.log(s.gamma)], { gradientTolerance: 1e-9, maxIterations: 1000 });
  const params = toParams(res.x);
  return {
    params, logLikelihood: gammaGammaLogLikelihood(params, data), customers, rows: data.x.length,
    iterations: res.iterations, converged: res.converged,
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
