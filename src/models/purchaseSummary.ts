import type { Warehouse } from '../store/interfaces.ts';

/**
 * The per-customer purchase-day summary (购买日汇总, table model_customer_summary) that the BG/NBD and Gamma-Gamma
 * fits read instead of aggregating every order, kept up to date like the insight aggregates: from a watermark on
 * orders.imported_at, with a fingerprint (a sum of row hashes) of the workspace's orders to tell that nothing else
 * changed. Loaders call `refreshPurchaseSummary(db, ws)` after they write orders; the fits call it too, and it is a
 * no-op costing one scan of the orders when nothing changed.
 *
 * Incremental: customers with an order imported at or after the watermark get their rows recomputed from their
 * orders. Full rebuild on first use, when orders were removed or changed without a newer import time (a customer
 * merge moving orders, a status edited in place), or when after an incremental pass the summary no longer adds up
 * to the orders (order count and value).
 */
const QUALIFYING = `customer_id is not null and status not in ('cancelled', 'refunded')`;

/** What changes when any order the summary reads is added, removed or edited (one scan of five columns). */
const STATS = `select max(imported_at)::varchar as through, count(*)::bigint as n,
    coalesce(sum(hash(customer_id, order_date, status, gross_amount, refund_amount)), 0)::varchar as fingerprint
  from orders where workspace_id = $ws`;

/** The qualifying orders' count and value (to check an incremental pass) and last day. */
const ORDER_TOTALS = `select count(*)::bigint as matched, coalesce(sum(gross_amount - refund_amount), 0)::varchar as value,
    max(order_date)::varchar as last_day
  from orders where workspace_id = $ws and ${QUALIFYING}`;

const WATERMARK = `select imported_through::varchar as through, order_count as n, fingerprint, last_day::varchar as last_day from model_summary_watermarks where workspace_id = $ws`;

const TOTALS = `select coalesce(sum(orders), 0)::bigint as matched, coalesce(sum(total_value), 0)::varchar as value
  from model_customer_summary where workspace_id = $ws`;

/** The customers to recompute: all, or those with an order imported at or after the watermark. */
const SCOPE = `(not $incremental or customer_id in (select customer_id from orders where workspace_id = $ws and imported_at >= $since::timestamp and customer_id is not null))`;

const DELETE = `delete from model_customer_summary where workspace_id = $ws and ${SCOPE}`;

/** One pass per customer over their purchase days (orders of one local day summed: one transaction). */
const INSERT = `insert into model_customer_summary
  select $ws, customer_id, sum(orders)::integer, count(*)::integer, min(d), max(d), sum(value), arg_min(value, d)
  from (
    select customer_id, order_date as d, count(*) as orders, sum(gross_amount - refund_amount) as value
    from orders
    where workspace_id = $ws and ${QUALIFYING} and ${SCOPE}
    group by customer_id, order_date
  ) days
  group by customer_id`;

const SAVE = `insert or replace into model_summary_watermarks (workspace_id, imported_through, order_count, fingerprint, last_day, refreshed_at)
  values ($ws, $through::timestamp, $n, $fingerprint, (select max(last_day) from model_customer_summary where workspace_id = $ws), current_timestamp)`;

export interface PurchaseSummaryState {
  mode: 'none' | 'incremental' | 'full';
  /** The last qualifying order day in the store: the summary serves calibration ends on or after it. */
  lastDay: string | null;
  ms: number;
}

type Stats = { through: string | null; n: number; fingerprint: string };
type Mark = Stats & { last_day: string | null };

export async function refreshPurchaseSummary(db: Warehouse, ws: number, opts: { full?: boolean } = {}): Promise<PurchaseSummaryState> {
  const t0 = performance.now();
  const [now] = await db.all<Stats>(STATS, { ws });
  const [mark] = await db.all<Mark>(WATERMARK, { ws });
  let mode: PurchaseSummaryState['mode'] = 'none';
  if (opts.full || !mark || Number(now.n) < Number(mark.n)) mode = 'full';
  else if (now.fingerprint !== mark.fingerprint) {
    mode = now.through && (!mark.through || now.through > mark.through) ? 'incremental' : 'full';
  }
  if (mode === 'none') return { mode, lastDay: mark.last_day, ms: performance.now() - t0 };
  const rebuild = (m: 'incremental' | 'full') => db.transaction(async () => {
    const p = { ws, incremental: m === 'incremental', since: mark?.through ?? '1970-01-01' };
    await db.run(DELETE, p);
    await db.run(INSERT, p);
    await db.run(SAVE, { ws, through: now.through, n: Number(now.n), fingerprint: now.fingerprint });
  });
  await rebuild(mode);
  const [want] = await db.all<{ matched: number; value: string; last_day: string | null }>(ORDER_TOTALS, { ws });
  if (mode === 'incremental') {
    const [t] = await db.all<{ matched: number; value: string }>(TOTALS, { ws });
    if (Number(t.matched) !== Number(want.matched) || Number(t.value) !== Number(want.value)) {
      mode = 'full';
      await rebuild('full');
    }
  }
  return { mode, lastDay: want.last_day, ms: performance.now() - t0 };
}
