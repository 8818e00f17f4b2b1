import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * L2-regularised logistic regression (逻辑回归) fitted by iteratively reweighted least squares (Newton's method on
 * the log-likelihood): β ← β + (XᵀWX + λI)⁻¹ (Xᵀ(y − p) − λβ), the intercept unpenalised. Features are
 * standardised first (mean 0, sd 1) so λ and the coefficients are comparable across features; the coefficients
 * returned are on that standardised scale. IRLS converges in a handful of iterations to the exact optimum, which
 * the gradient-descent trainers on npm (ml-logistic-regression: fixed steps and epochs) do not promise.
 * ml-matrix solves the k×k normal equations (Cholesky).
 */
export interface LogisticModel {
  features: string[];
  intercept: number;
  /** Per feature, on the standardised scale. */
  coefficients: number[];
  means: number[];
  sds: number[];
  iterations: number;
}

/** Rows are feature vectors (numbers), y is 0/1. */
export function fitLogistic(features: string[], rows: ArrayLike<number>[], y: ArrayLike<number>, o: { lambda?: number; maxIterations?: number } = {}): LogisticModel {
  const n = rows.length;
  const k = features.length;
  if (n === 0) throw new RangeError('no rows to train on');
  const lambda = o.lambda ?? 1;
  const means = new Array<number>(k).fill(0);
  const sds = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) means[j] += r[j] / n;
  for (const r of rows) for (let j = 0; j < k; j++) sds[j] += (r[j] - means[j]) ** 2 / n;
  for (let j = 0; j < k; j++) sds[j] = Math.sqrt(sds[j]) || 1;
  const d = k + 1; // intercept first
  const z = new Float64Array(n * d);
  rows.forEach((r, i) => {
    z[i * d] = 1;
    for (let j = 0; j < k; j++) z[i * d + 1 + j] = (r[j] - means[j]) / sds[j];
  });
  const beta = new Float64Array(d);
  let iterations = 0;
  for (; iterations < (o.maxIterations ?? 50); iterations++) {
    const H = new Float64Array(d * d);
    const g = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let a = 0; a < d; a++) eta += beta[a] * z[i * d + a];
      const p = 1 / (1 + Math.exp(-eta));
      const w = Math.max(p * (1 - p), 1e-12);
      const res = y[i] - p;
      for (let a = 0; a < d; a++) {
        const za = z[i * d + a];
        g[a] += za * res;
        for (let b = a; b < d; b++) H[a * d + b] += w * za * z[i * d + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) H[a * d + b] = H[b * d + a];
    for (let a = 1; a < d; a++) { H[a * d + a] += lambda; g[a] -= lambda * beta[a]; }
    const rowsH: number[][] = [];
    for (let a = 0; a < d; a++) rowsH.push(Array.from(H.subarray(a * d, a * d + d)));
    const step = new CholeskyDecomposition(new Matrix(rowsH)).solve(Matrix.columnVector(Array.from(g))).to1DArray();
    let maxStep = 0;
    for (let a = 0; a < d; a++) { beta[a] += step[a]; maxStep = Math.max(maxStep, Math.abs(step[a])); }
    if (maxStep < 1e-10) { iterations++; break; }
  }
  return { features, intercept: beta[0], coefficients: Array.from(beta.subarray(1)), means, sds, iterations };
}

/** Per feature, its contribution to the log-odds against the average customer: βⱼ (xⱼ − meanⱼ) / sdⱼ. */
export function contributions(m: LogisticModel, row: ArrayLike<number>): number[] {
  return m.coefficients.map((b, j) => (b * (row[j] - m.means[j])) / m.sds[j]);
}

export function predictLogistic(m: LogisticModel, row: ArrayLike<number>): number {
  const eta = m.intercept + contributions(m, row).reduce((s, c) => s + c, 0);
  return 1 / (1 + Math.exp(-eta));
}

/** Area under the ROC curve: the probability a random positive scores above a random negative (ties count ½). */
export function auc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (y[idx[t]] === 1) { rankSumPos += avgRank; pos++; }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of positives among the top fraction (default 10 %) of scores — precision in the top decile. */
export function topPrecision(scores: ArrayLike<number>, y: ArrayLike<number>, fraction = 0.1): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const top = Math.max(1, Math.round(idx.length * fraction));
  let hit = 0;
  for (let i = 0; i < top; i++) hit += y[idx[i]];
  return hit / top;
}

export interface CalibrationBin { bin: number; customers: number; predicted: number; actual: number }

/** Calibration table: customers in score deciles, mean predicted probability vs observed rate. */
export function calibrationTable(scores: ArrayLike<number>, y: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * idx.length) / bins), to = Math.floor(((b + 1) * idx.length) / bins);
    if (to <= from) continue;
    let ps = 0, ys = 0;
    for (let i = from; i < to; i++) { ps += scores[idx[i]]; ys += y[idx[i]]; }
    out.push({ bin: b + 1, customers: to - from, predicted: ps / (to - from), actual: ys / (to - from) });
  }
  return out;
}
