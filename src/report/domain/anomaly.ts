/** KPI anomalies (指标异常): the latest value against the mean and spread of its own history, pure. */
export interface Anomaly {
  value: number;
  mean: number;
  sd: number;
  z: number;
}

/** z-score of `latest` against `history` (sample sd); null with fewer than 6 points or no spread. */
export function anomalyOf(latest: number, history: number[]): Anomaly | null {
  if (history.length < 6) return null;
  const mean = history.reduce((s, x) => s + x, 0) / history.length;
  const sd = Math.sqrt(history.reduce((s, x) => s + (x - mean) ** 2, 0) / (history.length - 1));
  if (!(sd > 0)) return null;
  return { value: latest, mean, sd, z: (latest - mean) / sd };
}

/** The threshold beyond which the report calls a month anomalous. */
export const ANOMALY_Z = 2;
