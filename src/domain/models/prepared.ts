/**
 * Index form of a summary for fast likelihood evaluation: each row's x, and each of its times, as an index into
 * the distinct values. Purchase histories built from calendar days have few distinct x and few distinct times
 * (at most one per day), so per evaluation the logs and Γ-function terms are computed once per distinct value
 * and each row only combines them.
 */
export interface Indexed {
  /** Distinct values, ascending. */
  values: Float64Array;
  /** Per row: index into values. */
  index: Int32Array;
}

export function indexValues(...columns: Float64Array[]): Indexed[] {
  const all = new Set<number>();
  for (const c of columns) for (let i = 0; i < c.length; i++) all.add(c[i]);
  const values = Float64Array.from([...all].sort((a, b) => a - b));
  const pos = new Map<number, number>();
  values.forEach((v, i) => pos.set(v, i));
  return columns.map((c) => {
    const index = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) index[i] = pos.get(c[i])!;
    return { values, index };
  });
}
