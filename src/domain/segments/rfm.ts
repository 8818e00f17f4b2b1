/**
 * RFM (最近一次消费 Recency, 消费频率 Frequency, 消费金额 Monetary): the pure rules. The warehouse computes each
 * customer's R (days since the last order, at the reference date), F (orders) and M (spend); these rules name the
 * segment and define the 1–5 scores so that SQL, the pandas peer and the docs say the same thing.
 */

/** The 8 classic value segments (RFM 八大客户价值分层), keyed by whether R, F and M are "high". */
export const RFM_SEGMENTS = [
  { key: 'important_value', zh: '重要价值', en: 'Important value', r: true, f: true, m: true },
  { key: 'important_development', zh: '重要发展', en: 'Important development', r: true, f: false, m: true },
  { key: 'important_retention', zh: '重要保持', en: 'Important retention', r: false, f: true, m: true },
  { key: 'important_winback', zh: '重要挽留', en: 'Important win-back', r: false, f: false, m: true },
  { key: 'general_value', zh: '一般价值', en: 'General value', r: true, f: true, m: false },
  { key: 'general_development', zh: '一般发展', en: 'General development', r: true, f: false, m: false },
  { key: 'general_retention', zh: '一般保持', en: 'General retention', r: false, f: true, m: false },
  { key: 'general_winback', zh: '一般挽留', en: 'General win-back', r: false, f: false, m: false },
] as const;

export type RfmSegmentKey = (typeof RFM_SEGMENTS)[number]['key'];
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/**
 * High / low per dimension. R is high when the customer bought recently: recency days strictly below the
 * threshold. F and M are high when strictly above theirs. Thresholds default to the population means.
 */
export interface RfmThresholds {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export function segmentOf(rHigh: boolean, fHigh: boolean, mHigh: boolean): RfmSegment {
  return RFM_SEGMENTS.find((s) => s.r === rHigh && s.f === fHigh && s.m === mHigh)!;
}

export function classify(v: { recencyDays: number; frequency: number; monetary: number }, t: RfmThresholds): RfmSegment {
  return segmentOf(v.recencyDays < t.recencyDays, v.frequency > t.frequency, v.monetary > t.monetary);
}

/**
 * The 1–5 quintile score of a value whose ascending "min" rank (ties share the lowest rank, 1-based) is `rank`
 * among `n` customers: 1 + floor(5 × (rank − 1) ÷ n). Ties always get the same score. For R the rank is taken
 * over recency days descending (longest ago scores 1), for F and M ascending.
 */
export function quintileScore(rank: number, n: number): number {
  return Math.min(5, 1 + Math.floor((5 * (rank - 1)) / n));
}
