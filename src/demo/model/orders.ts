import { Rng } from './random.ts';
import { Calendar, DAY, localMidnight } from './calendar.ts';
import { CAMPAIGNS, type Catalog } from './catalog.ts';
import type { Person } from './person.ts';
import type { DemoParams, OrderChannel } from './params.ts';
import { fillBasket, planPurchases, type Line, type PurchasePlan } from './purchases.ts';

/**
 * A person's orders (订单): natural ones from the BG/NBD plan, plus a win-back campaign order for treated
 * customers who respond (extra, not part of BG/NBD: they carry campaign_id). Channel mix follows the person's
 * online preference, boosted online on 618 / Double 11 and offline on weekends, damped offline over Spring Festival.
 */
export interface Order {
  at: number;
  channel: OrderChannel;
  store: number | null;
  staff: number | null;
  cashier: number | null;
  lines: Line[];
  grossCents: number;
  paidCents: number;
  couponCode: string | null;
  campaignId: string | null;
  status: 'completed' | 'refunded' | 'partially_refunded';
  refundCents: number;
  natural: boolean;
}

export interface Coupon { code: string; campaignId: string; valueCents: number; issuedAt: number; expiresAt: number; redeemedAt: number | null; orderIndex: number | null }

export interface Behaviour {
  plan: PurchasePlan | null;
  orders: Order[];
  coupons: Coupon[];
  winback: { arm: 'treatment' | 'holdout'; assignedAt: number; converted: boolean } | null;
}

export function behaviourOf(seed: number, person: Person, cal: Calendar, cat: Catalog, p: DemoParams): Behaviour {
  const plan = planPurchases(seed, person, cal, cat, p);
  if (!plan) return { plan, orders: [], coupons: [], winback: null };
  const rng = Rng.for(seed, 'orders', person.index);
  const times = plan.times;
  const coupons: Coupon[] = [];
  const couponAt = new Map<number, Coupon>();
  const extra: number[] = [];

  // Double 11 promotion coupon: issued to a share of buyers who bought before; redeemed on the first order in the window.
  const promoAt = localMidnight(p.promo.issueDate) + 10 * 3600;
  const promoUntil = localMidnight(p.promo.untilDate);
  if (times[0] < promoAt && rng.chance(p.promo.issueRate)) {
    const c: Coupon = { code: `D11-${person.index.toString(36).toUpperCase().padStart(6, '0')}`, campaignId: CAMPAIGNS.promo.id, valueCents: p.promo.couponValue * 100, issuedAt: promoAt, expiresAt: promoUntil, redeemedAt: null, orderIndex: null };
    const k = times.findIndex((t) => t >= promoAt && t < promoUntil);
    if (k >= 0 && rng.chance(p.promo.redeemRate)) couponAt.set(k, c);
    coupons.push(c);
  }

  // Win-back: dormant buyers (no purchase for dormantDays before the start) are randomised to treatment or holdout.
  const wbStart = localMidnight(p.winback.start);
  const wbEnd = wbStart + p.winback.windowDays * DAY;
  let winback: Behaviour['winback'] = null;
  const before = times.filter((t) => t < wbStart);
  const armDraw = rng.next();
  const respondDraw = rng.next();
  const redeemDraw = rng.next();
  const wbTime = cal.timeInDay(cal.dayOf(wbStart) + rng.int(p.winback.windowDays), rng.next());
  if (before.length && before[before.length - 1] <= wbStart - p.winback.dormantDays * DAY && wbEnd <= cal.end) {
    const arm = armDraw < p.winback.holdoutShare ? 'holdout' : 'treatment';
    const natural = times.findIndex((t) => t >= wbStart && t < wbEnd);
    let converted = natural >= 0;
    if (arm === 'treatment') {
      const c: Coupon = { code: `WB-${person.index.toString(36).toUpperCase().padStart(6, '0')}`, campaignId: CAMPAIGNS.winback.id, valueCents: p.winback.couponValue * 100, issuedAt: wbStart + 9 * 3600, expiresAt: wbEnd, redeemedAt: null, orderIndex: null };
      coupons.push(c);
      if (respondDraw < p.winback.incremental) {
        extra.push(Math.max(wbTime, wbStart + 9 * 3600 + 60));
        couponAt.set(times.length, c);
        converted = true;
      } else if (natural >= 0 && redeemDraw < p.winback.naturalRedeemRate && !couponAt.has(natural)) couponAt.set(natural, c);
    }
    winback = { arm, assignedAt: wbStart - DAY + 10 * 3600, converted };
  }

  const all = [...times.map((t) => ({ t, natural: true })), ...extra.map((t) => ({ t, natural: false }))];
  const orders: Order[] = all.map(({ t, natural }, k) => {
    const coupon = couponAt.get(k) ?? null;
    const channel = k === 0 ? firstChannel(person, rng) : pickChannel(person, cal, t, rng);
    const store = channel === 'pos' || channel === 'wecom' ? (person.homeStore !== null && rng.chance(0.9) ? person.homeStore : rng.int(cat.stores.length)) : null;
    const staffOf = (s: number) => cat.stores[s].staff;
    const staff = store !== null ? (person.ownerStaff !== null && cat.staff[person.ownerStaff].storeIndex === store ? person.ownerStaff : rng.pick(staffOf(store))) : null;
    const cashier = channel === 'pos' && store !== null ? rng.pick(staffOf(store)) : null;
    const paidCents = Math.max(100, Math.round(rng.gamma(p.gammaGamma.p, plan.nu) * 100));
    const { lines, grossCents } = fillBasket(rng, cat, paidCents, coupon ? coupon.valueCents : 0, person.mom);
    if (coupon) {
      coupon.redeemedAt = t;
      coupon.orderIndex = k;
    }
    const u = rng.next();
    let status: Order['status'] = 'completed';
    let refundCents = 0;
    if (u < p.refunds.full) {
      status = 'refunded';
      refundCents = paidCents;
    } else if (u < p.refunds.full + p.refunds.partial && lines.length > 1) {
      status = 'partially_refunded';
      refundCents = lines[0].amountCents;
    }
    return { at: t, channel, store, staff, cashier, lines, grossCents, paidCents, couponCode: coupon?.code ?? null, campaignId: coupon?.campaignId ?? (natural ? null : CAMPAIGNS.winback.id), status, refundCents, natural };
  });
  return { plan, orders, coupons, winback };
}

function firstChannel(person: Person, rng: Rng): OrderChannel {
  if (person.acquisition === 'store') return 'pos';
  if (person.acquisition === 'live_stream' && person.openid) return 'live_stream';
  if (person.acquisition === 'mini_program' && person.openid) return 'mini_program';
  if (person.acquisition === 'wecom_qr') return person.openid && rng.chance(0.5) ? 'mini_program' : 'wecom';
  return person.openid ? 'mini_program' : 'ecommerce';
}

function pickChannel(person: Person, cal: Calendar, t: number, rng: Rng): OrderChannel {
  const d = Math.min(Math.max(cal.dayOf(t), 0), cal.days - 1);
  const on = person.onlinePref * cal.onlineBoost[d];
  const off = (1 - person.onlinePref) * cal.offlineBoost[d];
  if (person.homeStore !== null && rng.next() * (on + off) >= on) return rng.chance(0.85) ? 'pos' : 'wecom';
  const u = rng.next();
  if (!person.openid) return 'ecommerce';
  return u < 0.55 ? 'mini_program' : u < 0.8 ? 'ecommerce' : 'live_stream';
}
