/**
 * Customer lifecycle (客户生命周期): prospect 潜客, new 新客, active 活跃, loyal 忠诚, dormant 沉睡 (at risk),
 * churned 流失, returned 回流. Rule-based on order days with configurable thresholds; a model's P(alive) (BG/NBD),
 * when given, replaces the day rule for dormant / churned. The SQL in src/insight/queries/lifecycleSnapshots.ts
 * implements exactly `stageOf`; keep them in step (tests check both on the same cases).
 */
export const STAGES = [
  { key: 'prospect', zh: '潜客', en: 'Prospect' },
  { key: 'new', zh: '新客', en: 'New' },
  { key: 'active', zh: '活跃', en: 'Active' },
  { key: 'loyal', zh: '忠诚', en: 'Loyal' },
  { key: 'returned', zh: '回流', en: 'Returned' },
  { key: 'dormant', zh: '沉睡', en: 'Dormant (at risk)' },
  { key: 'churned', zh: '流失', en: 'Churned' },
] as const;
export type Stage = (typeof STAGES)[number]['key'];

export interface LifecycleThresholds {
  /** A customer whose first order is fewer than this many days before the date is new (default 30). */
  newDays: number;
  /** Last order at most this many days ago: active / loyal / returned (default 90). */
  activeDays: number;
  /** Last order more than activeDays and at most this many days ago: dormant; beyond: churned (default 180). */
  dormantDays: number;
  /** Active with at least this many order days in the last 365 days: loyal (default 3). */
  loyalOrderDays: number;
  /** Active whose last order came after a gap of at least this many days: returned (default 180). */
  returnGapDays: number;
  /** With a model's P(alive): below this, dormant (default 0.5) … */
  pAliveDormant: number;
  /** … below this, churned (default 0.2). */
  pAliveChurned: number;
}

export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  newDays: 30, activeDays: 90, dormantDays: 180, loyalOrderDays: 3, returnGapDays: 180, pAliveDormant: 0.5, pAliveChurned: 0.2,
};

export interface CustomerHistory {
  /** Days from the first order to the date; null when no order yet. */
  daysSinceFirst: number | null;
  daysSinceLast: number | null;
  /** Days between the last order day and the one before it; null for a single order day. */
  lastGapDays: number | null;
  /** Order days in the 365 days up to the date. */
  orderDays365: number;
  pAlive?: number | null;
}

export function stageOf(h: CustomerHistory, t: LifecycleThresholds = DEFAULT_LIFECYCLE): Stage {
  if (h.daysSinceLast === null || h.daysSinceFirst === null) return 'prospect';
  if (h.daysSinceFirst < t.newDays) return 'new';
  if (h.pAlive !== undefined && h.pAlive !== null) {
    if (h.pAlive < t.pAliveChurned) return 'churned';
    if (h.pAlive < t.pAliveDormant) return 'dormant';
  } else {
    if (h.daysSinceLast > t.dormantDays) return 'churned';
    if (h.daysSinceLast > t.activeDays) return 'dormant';
  }
  if (h.lastGapDays !== null && h.lastGapDays >= t.returnGapDays) return 'returned';
  if (h.orderDays365 >= t.loyalOrderDays) return 'loyal';
  return 'active';
}
