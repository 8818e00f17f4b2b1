import { Rng } from './random.ts';
import { Calendar, DAY } from './calendar.ts';
import type { Catalog } from './catalog.ts';
import type { Person } from './person.ts';
import type { DemoParams } from './params.ts';
import type { Order } from './orders.ts';

/**
 * Mini-program events (小程序埋点) of one person.
 * Funnel: every mini-program / live-stream order closes a session product_view → add_to_cart → order. Before it,
 * the person had Geometric(cartToOrder) carts that did not convert, and before each cart session
 * Geometric(viewToCart) view-only sessions: so per session P(cart | view) = viewToCart and P(order | cart) =
 * cartToOrder exactly in expectation. Content: reads at a Gamma(2)-distributed weekly rate from acquisition to the
 * end; each read is liked / shared with fixed probabilities.
 */
export interface DemoEvent {
  type: 'product_view' | 'add_to_cart' | 'order' | 'content_read' | 'content_like' | 'content_share';
  at: number;
  sku?: string;
  contentId?: string;
  orderId?: string;
  session?: string;
  channel: string;
}

export interface EventCounts { viewSessions: number; cartSessions: number; orderSessions: number; reads: number; likes: number; shares: number }

export function eventsOf(seed: number, person: Person, orders: { order: Order; id: string }[], cal: Calendar, cat: Catalog, p: DemoParams, counts: EventCounts): DemoEvent[] {
  if (!person.openid) return [];
  const rng = Rng.for(seed, 'events', person.index);
  const out: DemoEvent[] = [];
  let session = 0;
  const sid = () => `${person.index.toString(36)}-${(session++).toString(36)}`;
  const views = (at: number, sku: string, channel: string, s: string) => {
    out.push({ type: 'product_view', at, sku, session: s, channel });
    counts.viewSessions++;
  };
  for (const { order, id } of orders) {
    if (order.channel !== 'mini_program' && order.channel !== 'live_stream') continue;
    const channel = order.channel;
    const carts = rng.geometric(p.funnel.cartToOrder) + 1;
    for (let c = 0; c < carts; c++) {
      const converting = c === carts - 1;
      const at = converting ? order.at - 600 - rng.int(1800) : order.at - Math.floor((0.1 + rng.next() * 10) * DAY);
      const viewOnly = rng.geometric(p.funnel.viewToCart);
      for (let v = 0; v < viewOnly; v++) {
        const vt = at - Math.floor((0.05 + rng.next() * 5) * DAY);
        views(vt, cat.products[rng.int(cat.products.length)].sku, channel, sid());
      }
      const s = sid();
      const sku = converting ? cat.products[order.lines[0].product].sku : cat.products[rng.int(cat.products.length)].sku;
      views(at, sku, channel, s);
      out.push({ type: 'add_to_cart', at: at + 60 + rng.int(240), sku, session: s, channel });
      counts.cartSessions++;
      if (converting) {
        out.push({ type: 'order', at: order.at, orderId: id, session: s, channel });
        counts.orderSessions++;
      }
    }
  }
  const weeks = (cal.end - person.acquiredAt) / (7 * DAY);
  const rate = rng.gamma(2, 2 / p.content.readsPerWeek);
  const reads = rng.poisson(rate * weeks);
  for (let k = 0; k < reads; k++) {
    const at = person.acquiredAt + Math.floor(rng.next() * (cal.end - person.acquiredAt - 3600));
    const item = recentContent(cat, at, rng);
    if (!item) continue;
    out.push({ type: 'content_read', at, contentId: item, channel: 'official_account' });
    counts.reads++;
    if (rng.chance(p.content.likeRate)) {
      out.push({ type: 'content_like', at: at + 30 + rng.int(300), contentId: item, channel: 'official_account' });
      counts.likes++;
    }
    if (rng.chance(p.content.shareRate)) {
      out.push({ type: 'content_share', at: at + 60 + rng.int(600), contentId: item, channel: 'official_account' });
      counts.shares++;
    }
  }
  return out;
}

/** One of the (up to) 8 items published before `at`. */
function recentContent(cat: Catalog, at: number, rng: Rng): string | null {
  let lo = 0;
  let hi = cat.content.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cat.content[mid].publishedAt <= at) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return null;
  return cat.content[Math.max(0, lo - 1 - rng.int(Math.min(8, lo)))].id;
}
