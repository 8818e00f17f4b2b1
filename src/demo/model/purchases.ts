import { Rng } from './random.ts';
import { Calendar, DAY } from './calendar.ts';
import type { Catalog } from './catalog.ts';
import type { Person } from './person.ts';
import type { DemoParams } from './params.ts';

/**
 * When a person buys (购买时间), by BG/NBD on the operational clock:
 * λ ~ Gamma(r, alpha) purchases/week, p ~ Beta(a, b). The first purchase (at or after acquisition) is the BG/NBD
 * time 0 and is not a repeat; after each repeat purchase the person drops out with probability p. A community
 * group member's rate is λ·multiplier from joining until leaving (memoryless, so the clock restarts at both).
 */
export interface PurchasePlan {
  lambda: number;
  dropout: number;
  /** Spend per order: ν ~ Gamma(q, gamma); each order's paid amount z ~ Gamma(p, ν) yuan. */
  nu: number;
  /** Calendar times (epoch s) of natural purchases, first included, ascending. */
  times: number[];
  droppedOut: boolean;
  group: { index: number; joinedAt: number; leftAt: number | null } | null;
}

export function planPurchases(seed: number, person: Person, cal: Calendar, cat: Catalog, p: DemoParams): PurchasePlan | null {
  const rng = Rng.for(seed, 'purchases', person.index);
  const { r, alpha, a, b } = p.bgnbd;
  const lambda = rng.gamma(r, alpha);
  const dropout = rng.beta(a, b);
  const nu = rng.gamma(p.gammaGamma.q, p.gammaGamma.gamma);
  const buys = person.acquisition === 'store' || rng.chance(p.buyerRate);
  const delay = person.acquisition === 'store' ? 0 : Math.floor(rng.exponential(1 / (p.firstPurchaseDelayDays * DAY)));
  const joins = rng.chance(p.groups.joinRate);
  const joinDelay = Math.floor(rng.next() * 3 * DAY);
  const leaves = rng.chance(p.groups.leaveRate);
  const leaveAfter = Math.floor((180 + rng.next() * 360) * DAY);
  const first = person.acquiredAt + delay;
  if (!buys || first >= cal.end) return null;
  let group: PurchasePlan['group'] = null;
  if (joins && first + joinDelay < cal.end) {
    const local = person.homeStore ?? rng.int(cat.stores.length);
    const candidates = cat.groups.flatMap((g, gi) => (g.storeIndex === local ? [gi] : []));
    const joinedAt = first + joinDelay;
    const leftAt = leaves && joinedAt + leaveAfter < cal.end ? joinedAt + leaveAfter : null;
    group = { index: rng.pick(candidates), joinedAt, leftAt };
  }
  const times = [first];
  const horizon = cal.horizon;
  const perDay = lambda / 7;
  const tauJoin = group ? cal.toClock(group.joinedAt) : Infinity;
  const tauLeave = group?.leftAt ? cal.toClock(group.leftAt) : Infinity;
  let tau = cal.toClock(first);
  let droppedOut = false;
  for (;;) {
    const inGroup = tau >= tauJoin && tau < tauLeave;
    const rate = perDay * (inGroup ? p.groups.rateMultiplier : 1);
    const next = tau + rng.exponential(rate);
    const boundary = tau < tauJoin ? tauJoin : tau < tauLeave ? tauLeave : Infinity;
    if (next > boundary && boundary < horizon) {
      tau = boundary;
      continue;
    }
    if (next >= horizon) break;
    tau = next;
    const t = Math.max(cal.fromClock(tau), times[times.length - 1]);
    times.push(t);
    if (rng.chance(dropout)) {
      droppedOut = true;
      break;
    }
  }
  return { lambda, dropout, nu, times, droppedOut, group };
}

/** A line of an order: list price, quantity and the paid amount after the order's discount is spread. */
export interface Line { product: number; quantity: number; unitCents: number; amountCents: number }

/**
 * A basket whose paid total is exactly `paidCents` (the Gamma-Gamma draw): SKUs are added until the list total
 * covers paid + coupon; the difference is the order's discount (店铺优惠), spread over lines by list value.
 */
export function fillBasket(rng: Rng, cat: Catalog, paidCents: number, couponCents: number, mom: boolean): { lines: Line[]; grossCents: number } {
  const qty = new Map<number, number>();
  let remaining = paidCents + couponCents;
  if (mom && cat.momProducts.length && rng.chance(0.5)) {
    const m = rng.pick(cat.momProducts);
    qty.set(m, 1);
    remaining -= cat.products[m].priceCents;
  }
  while (remaining > 0) {
    let k = upperBound(cat.sortedPrices, remaining);
    let pi: number;
    if (k === 0) pi = cat.byPrice[0];
    else {
      const lo = k > 6 ? Math.floor(k / 2) : 0;
      if (k > cat.sortedPrices.length) k = cat.sortedPrices.length;
      pi = cat.byPrice[lo + rng.int(k - lo)];
    }
    qty.set(pi, (qty.get(pi) ?? 0) + 1);
    remaining -= cat.products[pi].priceCents;
  }
  const entries = [...qty.entries()];
  const lines: Line[] = entries.map(([product, q]) => ({ product, quantity: q, unitCents: cat.products[product].priceCents, amountCents: 0 }));
  const grossCents = lines.reduce((s, l) => s + l.unitCents * l.quantity, 0);
  let left = paidCents;
  lines.forEach((l, i) => {
    const share = i === lines.length - 1 ? left : Math.floor((paidCents * l.unitCents * l.quantity) / grossCents);
    l.amountCents = share;
    left -= share;
  });
  return { lines, grossCents };
}

function upperBound(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
