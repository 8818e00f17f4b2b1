/**
 * Member tiers (会员等级) by the last 12 months' spend and order count. A customer holds the highest tier whose
 * minimum spend OR minimum orders (`match: 'any'`, the default; `'all'` needs both) they reach. The lowest tier
 * has no minimum. Upgrades and downgrades are month-end changes of tier rank (src/insight/tiers.ts).
 */
export interface TierRule {
  name: string;
  name_en: string;
  /** 12-month spend (GMV) needed; 0 for the entry tier. */
  minSpend: number;
  /** 12-month orders needed; 0 for the entry tier. */
  minOrders: number;
}

export interface TierRules {
  match: 'any' | 'all';
  /** From the entry tier up. */
  tiers: TierRule[];
}

export const DEFAULT_TIERS: TierRules = {
  match: 'any',
  tiers: [
    { name: '普通', name_en: 'Regular', minSpend: 0, minOrders: 0 },
    { name: '高级', name_en: 'Silver', minSpend: 1000, minOrders: 4 },
    { name: 'VIP', name_en: 'VIP', minSpend: 5000, minOrders: 12 },
  ],
};

/** Index into rules.tiers of the tier held with this 12-month spend and order count. */
export function tierOf(spend12m: number, orders12m: number, rules: TierRules = DEFAULT_TIERS): number {
  let held = 0;
  rules.tiers.forEach((t, i) => {
    const s = spend12m >= t.minSpend;
    const o = orders12m >= t.minOrders;
    if (rules.match === 'all' ? s && o : s || o) held = i;
  });
  return held;
}
