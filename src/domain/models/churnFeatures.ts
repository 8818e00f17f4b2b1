/**
 * The churn model's features (流失预测特征), as of a cut-off day, and how a feature that pushes a customer's risk
 * up is said in plain words. `input` is the column the model reads (counts on a log scale); `raw` is the value
 * quoted in the reason. Reasons are built in SQL from these templates (printf style, %s = the raw value).
 */
export interface ChurnFeature {
  name: string;
  group: 'rfm' | 'behaviour' | 'engagement' | 'community' | 'consent';
  en: string;
  zh: string;
  /** Reason when the feature raises the risk: English and Chinese, with %s for the raw value. */
  reasonEn: string;
  reasonZh: string;
}

export const CHURN_FEATURES: ChurnFeature[] = [
  { name: 'p_no_order', group: 'rfm', en: 'BG/NBD probability of no order in the window', zh: 'BG/NBD 预测窗口内不复购的概率', reasonEn: 'the repurchase model gives a %s%% chance of no order in the window', reasonZh: '复购模型预测窗口内不下单的概率为 %s%%' },
  { name: 'recency_days', group: 'rfm', en: 'days since last order', zh: '距上次购买天数', reasonEn: 'last order %s days ago', reasonZh: '距上次购买已 %s 天' },
  { name: 'overdue', group: 'rfm', en: 'days since last order ÷ own mean days between orders', zh: '距上次购买天数 ÷ 个人平均购买间隔', reasonEn: 'overdue: %s× the usual time between orders', reasonZh: '已超过平时购买间隔的 %s 倍' },
  { name: 'orders', group: 'rfm', en: 'orders to date', zh: '累计订单数', reasonEn: '%s order(s) in total', reasonZh: '累计仅 %s 单' },
  { name: 'orders_180d', group: 'rfm', en: 'orders in the last 180 days', zh: '近180天订单数', reasonEn: '%s order(s) in the last 180 days', reasonZh: '近180天 %s 单' },
  { name: 'spend', group: 'rfm', en: 'spend to date (yuan)', zh: '累计消费（元）', reasonEn: 'total spend ¥%s', reasonZh: '累计消费 ¥%s' },
  { name: 'tenure_days', group: 'behaviour', en: 'days since first order', zh: '首购至今天数', reasonEn: 'first order %s days ago', reasonZh: '首购于 %s 天前' },
  { name: 'views_14d', group: 'behaviour', en: 'product views in the last 14 days', zh: '近14天商品浏览', reasonEn: '%s product view(s) in the last 14 days', reasonZh: '近14天浏览商品 %s 次' },
  { name: 'carts_14d', group: 'behaviour', en: 'add-to-carts in the last 14 days', zh: '近14天加购', reasonEn: '%s add-to-cart(s) in the last 14 days', reasonZh: '近14天加购 %s 次' },
  { name: 'views_since_order', group: 'behaviour', en: 'product views since the last order', zh: '上次购买后的商品浏览', reasonEn: '%s product view(s) since the last order', reasonZh: '上次购买后浏览商品 %s 次' },
  { name: 'carts_since_order', group: 'behaviour', en: 'add-to-carts since the last order (not yet bought)', zh: '上次购买后的加购（未下单）', reasonEn: '%s add-to-cart(s) since the last order', reasonZh: '上次购买后加购 %s 次' },
  { name: 'content_90d', group: 'engagement', en: 'content reads, likes, shares in 90 days', zh: '近90天内容互动', reasonEn: '%s content interaction(s) in 90 days', reasonZh: '近90天内容互动 %s 次' },
  { name: 'in_group', group: 'community', en: 'member of a community group', zh: '社群成员', reasonEn: 'community group member: %s', reasonZh: '社群成员：%s' },
  { name: 'marketing_consent', group: 'consent', en: 'has a marketing consent', zh: '有营销授权', reasonEn: 'marketing consent: %s', reasonZh: '营销授权：%s' },
];

/** Binary features are quoted as yes/no (是/否) in reasons. */
export const BINARY_FEATURES = new Set(['in_group', 'marketing_consent']);

/** Probabilities enter the model as log-odds (clamped to [1e-6, 1 − 1e-6]). */
export const PROBABILITY_FEATURES = new Set(['p_no_order']);

/** Counts enter the model as ln(1 + value); binaries as 0/1; probabilities as log-odds. */
export function modelInput(name: string, raw: number): number {
  if (BINARY_FEATURES.has(name)) return raw;
  if (PROBABILITY_FEATURES.has(name)) {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, raw));
    return Math.log(p / (1 - p));
  }
  return Math.log1p(Math.max(0, raw));
}

/**
 * BG/NBD probability of no purchase in the next t (FHL 2005): the customer is dead, or alive and draws no
 * purchase from the posterior rate, P = 1 − P(alive)·(1 − ((α+T)/(α+T+t))^(r+x)).
 */
export function probabilityNoPurchase(p: { r: number; alpha: number; a: number; b: number }, h: { x: number; tx: number; T: number }, t: number): number {
  const alive = h.x > 0 ? 1 / (1 + (p.a / (p.b + h.x - 1)) * Math.pow((p.alpha + h.T) / (p.alpha + h.tx), p.r + h.x)) : 1;
  return 1 - alive * (1 - Math.pow((p.alpha + h.T) / (p.alpha + h.T + t), p.r + h.x));
}
