import type { App } from '../app/context.ts';
import { sqlFor } from '../store/interfaces.ts';

/**
 * Per-customer and per-customer-month order totals (insight_customer_agg, insight_customer_month), kept up to date
 * from a watermark on orders.imported_at. Cohorts, RFM, lifecycle and tiers read these instead of scanning every
 * order. Every insight command refreshes first; the importer may call `refreshAggregates(app)` after a load.
 *
 * Incremental: customers with an order imported at or after the watermark get their rows recomputed from their
 * orders. Full rebuild when asked, on first use, or when the aggregate no longer adds up to the orders (an order
 * deleted, or a customer merge moved orders between customers).
 */
const STATS = {
  duckdb: `select max(imported_at)::varchar as through, count(*) as n,
      count(*) filter (where customer_id is not null and status <> 'cancelled') as matched
    from orders where workspace_id = $ws`,
};
const WATERMARK = { duckdb: `select imported_through::varchar as through, order_count as n from insight_watermarks where workspace_id = $ws and name = 'orders'` };
const AGG_TOTAL = { duckdb: `select coalesce(sum(orders), 0) as n from insight_customer_agg where workspace_id = $ws` };

/** Which customers to recompute: all (full) or those with orders imported since the watermark. */
const SCOPE = `(not $incremental or customer_id in (select customer_id from orders where workspace_id = $ws and imported_at >= $since::timestamp and customer_id is not null))`;

const DELETE_AGG = { duckdb: `delete from insight_customer_agg where workspace_id = $ws and ${SCOPE}` };
const DELETE_MONTH = { duckdb: `delete from insight_customer_month where workspace_id = $ws and ${SCOPE}` };
const INSERT_AGG = {
  duckdb: `insert into insight_customer_agg
    select workspace_id, customer_id, min(order_date), max(order_date), count(*), count(distinct order_date),
      sum(gross_amount), sum(discount_amount), sum(refund_amount)
    from orders
    where workspace_id = $ws and customer_id is not null and status <> 'cancelled' and ${SCOPE}
    group by workspace_id, customer_id`,
};
const INSERT_MONTH = {
  duckdb: `insert into insight_customer_month
    select workspace_id, customer_id, date_trunc('month', order_date)::date, count(*), sum(gross_amount)
    from orders
    where workspace_id = $ws and customer_id is not null and status <> 'cancelled' and ${SCOPE}
    group by all`,
};
const SAVE_WATERMARK = {
  duckdb: `insert or replace into insight_watermarks (workspace_id, name, imported_through, order_count, refreshed_at)
    values ($ws, 'orders', $through::timestamp, $n, current_timestamp)`,
};

export interface RefreshResult {
  mode: 'none' | 'incremental' | 'full';
  ms: number;
}

export async function refreshAggregates(app: App, opts: { full?: boolean } = {}): Promise<RefreshResult> {
  const t0 = Date.now();
  const w = app.warehouse;
  const d = w.dialect;
  const ws = app.workspaceId;
  const [now] = await w.all<{ through: string | null; n: number; matched: number }>(sqlFor(d, STATS), { ws });
  const [mark] = await w.all<{ through: string | null; n: number }>(sqlFor(d, WATERMARK), { ws });
  let mode: RefreshResult['mode'] = 'none';
  if (opts.full || !mark || Number(now.n) < Number(mark.n)) mode = 'full';
  else if (now.through && (!mark.through || now.through > mark.through)) mode = 'incremental';
  else if (now.through !== mark.through || Number(now.n) !== Number(mark.n)) mode = 'full';
  if (mode === 'none') {
    const [agg] = await w.all<{ n: number }>(sqlFor(d, AGG_TOTAL), { ws });
    if (Number(agg.n) !== Number(now.matched)) mode = 'full';
  }
  if (mode === 'none') return { mode, ms: Date.now() - t0 };
  const rebuild = async (m: 'incremental' | 'full') => {
    const p = { ws, incremental: m === 'incremental', since: mark?.through ?? '1970-01-01' };
    await app.state.transaction(async () => {
      for (const q of [DELETE_AGG, DELETE_MONTH, INSERT_AGG, INSERT_MONTH]) await w.run(sqlFor(d, q), p);
      await w.run(sqlFor(d, SAVE_WATERMARK), { ws, through: now.through, n: Number(now.n) });
    });
  };
  await rebuild(mode);
  if (mode === 'incremental') {
    const [agg] = await w.all<{ n: number }>(sqlFor(d, AGG_TOTAL), { ws });
    if (Number(agg.n) !== Number(now.matched)) {
      mode = 'full';
      await rebuild('full');
    }
  }
  return { mode, ms: Date.now() - t0 };
}
