/**
 * The stated parameters of the demo brand's stochastic models (模型参数). Every one of them is written into
 * truth.json, so analytics can be checked against what was planted. docs/demo.md explains each model.
 */
export interface DemoParams {
  /** Calendar: local (Asia/Shanghai, UTC+8) dates. Acquisition runs from `start` to `end` (24 months). */
  start: string;
  end: string;
  /** BG/NBD (Fader, Hardie & Lee 2005), time unit = week: λ ~ Gamma(r, alpha) (rate), p ~ Beta(a, b). */
  bgnbd: { r: number; alpha: number; a: number; b: number };
  /** Gamma-Gamma spend per order (Fader, Hardie & Lee 2005), yuan: ν ~ Gamma(q, gamma) (rate), z ~ Gamma(p, ν). */
  gammaGamma: { p: number; q: number; gamma: number };
  /** Share of acquired customers by channel (获客渠道). */
  acquisitionMix: Record<AcquisitionChannel, number>;
  /** Probability that a customer acquired through a channel ever buys (store acquisitions always buy). */
  buyerRate: number;
  /** Mean days from acquisition to first purchase (exponential) for non-store acquisitions. */
  firstPurchaseDelayDays: number;
  /** Community groups (社群): share of buyers who join at first purchase; purchase-rate multiplier after joining. */
  groups: { joinRate: number; rateMultiplier: number; leaveRate: number };
  /** Win-back campaign (召回): randomised holdout; treatment gets a coupon and converts with probability `incremental`. */
  winback: { start: string; windowDays: number; dormantDays: number; holdoutShare: number; incremental: number; couponValue: number; naturalRedeemRate: number };
  /** Double 11 promotion coupons: share of buyers issued one; redemption probability on an order in the window. */
  promo: { issueDate: string; untilDate: string; issueRate: number; redeemRate: number; couponValue: number };
  /** Funnel (漏斗): per session, P(add to cart | product view), P(order | add to cart). */
  funnel: { viewToCart: number; cartToOrder: number };
  /** Content engagement: reads per alive week (mean of a Gamma(2, ·) rate), P(like | read), P(share | read). */
  content: { readsPerWeek: number; likeRate: number; shareRate: number };
  /** Consent (同意): P(granted) per purpose, P(a grant is later withdrawn). */
  consent: { grant: Record<string, number>; withdrawRate: number };
  /** Minors under 14 (未成年人) and how many of them have a guardian's consent. */
  minors: { rate: number; guardianConsentRate: number };
  /** Share of customers with a birthday on file, with an e-mail, with a WeChat unionid, using the mini-program. */
  profile: { birthdayRate: number; emailRate: number; unionidRate: number; openidRate: number; momRate: number };
  /** Dirt of real exports (脏数据). */
  dirt: { extraMemberRecords: number[]; duplicateViaUnionid: number; shanghaiShi: number; blankCity: number; blankGender: number; malformedPerFile: number };
  /** Share of orders refunded fully / partially. */
  refunds: { full: number; partial: number };
}

export type AcquisitionChannel = 'wecom_qr' | 'mini_program' | 'official_account' | 'live_stream' | 'referral' | 'store';
export const ACQUISITION_CHANNELS: AcquisitionChannel[] = ['wecom_qr', 'mini_program', 'official_account', 'live_stream', 'referral', 'store'];

/** Order channels as stored in `orders.channel`. */
export type OrderChannel = 'pos' | 'wecom' | 'mini_program' | 'live_stream' | 'ecommerce';
export const ORDER_CHANNELS: OrderChannel[] = ['pos', 'wecom', 'mini_program', 'live_stream', 'ecommerce'];

export const CONSENT_PURPOSES = ['analytics', 'personalisation', 'marketing_sms', 'marketing_wecom', 'marketing_email', 'third_party'] as const;

export const DEFAULT_PARAMS: DemoParams = {
  start: '2024-11-16',
  end: '2026-11-16',
  bgnbd: { r: 0.9, alpha: 12, a: 0.8, b: 4.0 },
  gammaGamma: { p: 6, q: 4, gamma: 75 },
  acquisitionMix: { wecom_qr: 0.3, mini_program: 0.22, official_account: 0.13, live_stream: 0.1, referral: 0.08, store: 0.17 },
  buyerRate: 0.7,
  firstPurchaseDelayDays: 10,
  groups: { joinRate: 0.25, rateMultiplier: 1.3, leaveRate: 0.1 },
  winback: { start: '2026-06-01', windowDays: 30, dormantDays: 120, holdoutShare: 0.2, incremental: 0.08, couponValue: 30, naturalRedeemRate: 0.5 },
  promo: { issueDate: '2025-10-20', untilDate: '2025-11-12', issueRate: 0.3, redeemRate: 0.7, couponValue: 20 },
  funnel: { viewToCart: 0.3, cartToOrder: 0.5 },
  content: { readsPerWeek: 0.06, likeRate: 0.12, shareRate: 0.04 },
  consent: {
    grant: { analytics: 0.95, personalisation: 0.7, marketing_sms: 0.45, marketing_wecom: 0.6, marketing_email: 0.5, third_party: 0.1 },
    withdrawRate: 0.08,
  },
  minors: { rate: 0.004, guardianConsentRate: 0.5 },
  profile: { birthdayRate: 0.7, emailRate: 0.35, unionidRate: 0.95, openidRate: 0.8, momRate: 0.08 },
  dirt: { extraMemberRecords: [0.87, 0.1, 0.03], duplicateViaUnionid: 0.3, shanghaiShi: 0.5, blankCity: 0.05, blankGender: 0.1, malformedPerFile: 3 },
  refunds: { full: 0.04, partial: 0.02 },
};
