/**
 * Customers' purchase histories summarised the way the BG/NBD and Gamma-Gamma models read them, with a weight
 * (how many customers share the row): the likelihood depends on a customer only through (x, t_x, T), so identical
 * rows are fitted once. Times are in the model's time unit (weeks in Siyu).
 *
 * x = repeat transactions in the calibration period (复购次数), t_x = time of the last one since the first
 * purchase (recency), T = calibration end since the first purchase (customer age).
 */
export interface RecencyFrequency {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
}

/** Repeat customers' spend: x ≥ 1 repeat transactions with mean value zbar (客单价 of repeat purchases). */
export interface RepeatSpend {
  x: Float64Array;
  zbar: Float64Array;
  weight: Float64Array;
}

export function recencyFrequency(rows: { x: number; tx: number; T: number; weight?: number }[]): RecencyFrequency {
  const n = rows.length;
  const out = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n), weight: new Float64Array(n) };
  rows.forEach((r, i) => {
    out.x[i] = r.x; out.tx[i] = r.tx; out.T[i] = r.T; out.weight[i] = r.weight ?? 1;
  });
  return out;
}

export function repeatSpend(rows: { x: number; zbar: number; weight?: number }[]): RepeatSpend {
  const n = rows.length;
  const out = { x: new Float64Array(n), zbar: new Float64Array(n), weight: new Float64Array(n) };
  rows.forEach((r, i) => {
    out.x[i] = r.x; out.zbar[i] = r.zbar; out.weight[i] = r.weight ?? 1;
  });
  return out;
}

export function totalWeight(w: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i];
  return s;
}
