import { z } from 'zod';
import { UserError } from '../errors.ts';
import { isDay, type DayWindow } from '../domain/metrics/periods.ts';
import type { App } from '../app/context.ts';
import { sqlFor } from '../store/interfaces.ts';
import { listTags } from './tags.ts';
import { analysed } from './scope.ts';

/**
 * The filters every metric takes (筛选条件). Dimensions accept one value or several separated by commas.
 * - from / to: local calendar days, both inclusive (orders.order_date, events.event_date).
 * - channel, store, staff: on the order (orders.channel / store_code / staff_code) for order metrics; on the
 *   customer (customers.acquisition_channel / home_store_code / owner_staff_code) for customer and event metrics.
 * - city: the customer's city (customers.city).
 * - segment: a tag (customer_tags.tag), rule-computed or manual; saved segments are materialised as tags.
 */
export const filtersSchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  channel: z.string().optional(),
  store: z.string().optional(),
  city: z.string().optional(),
  staff: z.string().optional(),
  segment: z.string().optional(),
});
export type InsightFilters = z.infer<typeof filtersSchema>;

/** JSON schema of the filters, for route query strings (OpenAPI). */
export const filtersJsonSchema = {
  from: { type: 'string', format: 'date', description: 'first local day, inclusive (YYYY-MM-DD)' },
  to: { type: 'string', format: 'date', description: 'last local day, inclusive (YYYY-MM-DD)' },
  channel: { type: 'string', description: 'channel(s), comma-separated' },
  store: { type: 'string', description: 'store code(s), comma-separated' },
  city: { type: 'string', description: 'customer city(ies), comma-separated' },
  staff: { type: 'string', description: 'staff (store guide) code(s), comma-separated' },
  segment: { type: 'string', description: 'tag / saved segment name' },
} as const;

export function checkFilters(f: InsightFilters): InsightFilters {
  for (const k of ['from', 'to'] as const) {
    const v = f[k];
    if (v !== undefined && !isDay(v)) throw new UserError('bad_date', `--${k} must be a day YYYY-MM-DD, not '${v}'.`, `--${k} 必须是日期 YYYY-MM-DD，而不是 '${v}'。`);
  }
  if (f.from && f.to && f.from > f.to) throw new UserError('bad_window', `--from ${f.from} is after --to ${f.to}.`, `--from ${f.from} 晚于 --to ${f.to}。`);
  return f;
}

/**
 * A `segment` filter must name a tag that exists — one some customer carries, or a defined one (a rule tag nobody
 * matches yet): an unknown name (a typo, a tag never imported) gave zeros everywhere without a word.
 */
export async function assertKnownSegment(app: App, f: InsightFilters): Promise<void> {
  const segment = filterParams(f).segment;
  if (segment === null) return;
  const carried = await app.warehouse.get(`select 1 as x from customer_tags where workspace_id = $ws and tag = $t limit 1`, { ws: app.workspaceId, t: segment });
  if (carried) return;
  const known = (await listTags(app)).map((t) => t.name);
  if (known.includes(segment)) return;
  const carriedNames = (await app.warehouse.all<{ tag: string }>(`select distinct tag from customer_tags where workspace_id = $ws order by tag limit 30`, { ws: app.workspaceId })).map((r) => r.tag);
  const names = [...new Set([...known, ...carriedNames])].sort().slice(0, 30);
  throw new UserError('unknown_segment', `No tag or segment is named '${segment}'${names.length ? `; there are: ${names.join(', ')}` : ''} (siyu tags list).`,
    `没有名为 '${segment}' 的标签或分群${names.length ? `；现有：${names.join('、')}` : ''}（siyu tags list）。`, 404);
}

/** The bound parameters every filtered query takes ($channel … $segment; null when not filtering). */
export function filterParams(f: InsightFilters): Record<string, string | null> {
  const v = (s?: string) => (s && s.trim() ? s.trim() : null);
  return { channel: v(f.channel), store: v(f.store), city: v(f.city), staff: v(f.staff), segment: v(f.segment) };
}

/**
 * The predicate on orders `o` for the dimension filters (not the dates). Fixed text; values are bound.
 * `x = any(string_split($p, ','))` lets one parameter carry a comma-separated list. City and segment are the
 * customer's: an order of a customer analytics may not look at has neither (src/insight/scope.ts).
 */
export const ORDER_FILTER = `($channel::varchar is null or o.channel in (select unnest(string_split($channel, ','))))
    and ($store::varchar is null or o.store_code in (select unnest(string_split($store, ','))))
    and ($staff::varchar is null or o.staff_code in (select unnest(string_split($staff, ','))))
    and ($city::varchar is null or o.customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ','))) and ${analysed('id')}))
    and ($segment::varchar is null or o.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment and ${analysed('customer_id')}))`;

/** The predicate on customers `c` (customer and event metrics). */
export const CUSTOMER_FILTER = `($channel::varchar is null or c.acquisition_channel in (select unnest(string_split($channel, ','))))
    and ($store::varchar is null or c.home_store_code in (select unnest(string_split($store, ','))))
    and ($staff::varchar is null or c.owner_staff_code in (select unnest(string_split($staff, ','))))
    and ($city::varchar is null or c.city in (select unnest(string_split($city, ','))))
    and ($segment::varchar is null or c.id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))`;

/** True when a filter narrows orders by something other than dates (aggregates cannot answer then). */
export function hasDimensionFilter(f: InsightFilters): boolean {
  return Object.values(filterParams(f)).some((v) => v !== null);
}

const SPAN = { duckdb: `select min(order_date)::varchar as first, max(order_date)::varchar as last from orders where workspace_id = $ws and status <> 'cancelled'` };

/** The first and last order day of the workspace (cancelled orders left out); nulls without orders. */
export interface OrderSpan {
  first: string | null;
  last: string | null;
}

export async function orderSpan(app: App): Promise<OrderSpan> {
  const [s] = await app.warehouse.all<{ first: string | null; last: string | null }>(sqlFor(app.warehouse.dialect, SPAN), { ws: app.workspaceId });
  return { first: s?.first ?? null, last: s?.last ?? null };
}

/** The window asked for; a missing end is the first / last order day of the workspace (all time by default). */
export async function resolveWindow(app: App, f: InsightFilters): Promise<DayWindow & { allTime: boolean }> {
  return windowOf(f, f.from && f.to ? { first: null, last: null } : await orderSpan(app));
}

/** resolveWindow with the order span already known. */
export function windowOf(f: InsightFilters, s: OrderSpan): DayWindow & { allTime: boolean } {
  if (f.from && f.to) return { from: f.from, to: f.to, allTime: false };
  const today = new Date().toISOString().slice(0, 10);
  const from = f.from ?? s.first ?? today;
  const to = f.to ?? s.last ?? today;
  return { from, to: to < from ? from : to, allTime: !f.from && !f.to };
}
