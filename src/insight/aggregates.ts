import type { App } from '../app/context.ts';
import { sqlFor } from '../store/interfaces.ts';
import { query } from './queries/query.ts';
import { analysed, ensureExclusions, refreshExclusions, scopeChange, scopeMarkText } from './scope.ts';

/**
 * Per-customer and per-customer-month order totals (insight_customer_agg, insight_customer_month with the cohort
 * month) and a per-day × channel × store × guide rollup of order totals (insight_daily), kept up to date from a
 * watermark on orders.imported_at. KPIs, cohorts, RFM, lifecycle and tiers read these instead of scanning every
 * order. The importer calls `refreshAggregates(app)` after each load; every insight command still checks
 * first (a no-op costing one scan of three columns when nothing changed).
 *
 * Incremental: customers with an order imported after the watermark (one import's orders share its transaction's
 * time, so the batch the watermark names is done; a batch committed late under an older time changes the count, and
 * that rebuilds in full) get their rows recomputed from their orders. Full rebuild when asked, on first use, when orders were deleted, or when an incremental pass leaves the
 * aggregate not adding up to the orders. Orders are only ever inserted (the importer) or moved between customers
 * (identity merges, recorded in identity_merges): the check on each read is one scan of orders.imported_at. The daily rollup recomputes the days that got an
 * order since the watermark.
 *
 * The per-customer tables hold only the customers analytics may look at (src/insight/scope.ts); the daily rollup
 * holds every order (the brand's totals). The same check compares the analytics scope's fingerprint (consents,
 * statuses, today), and a change recomputes the customers whose exclusion flipped, in the same transaction as the
 * exclusions themselves, so the two always agree.
 */
const STATS = {
  duckdb: `select max(imported_at)::varchar as through, count(*) as n,
      (select count(*) || '/' || count(unmerged_at) from identity_merges where workspace_id = $ws) as merges
    from orders where workspace_id = $ws`,
};
const WATERMARK = {
  duckdb: `select imported_through::varchar as through, order_count as n, merges, refreshed_at::varchar as refreshed,
      (select merges from insight_watermarks where workspace_id = $ws and name = 'scope') as scope
    from insight_watermarks where workspace_id = $ws and name = 'orders'`,
};
/** After an incremental pass: do the aggregates still add up to the orders (else rebuild in full)? */
const ADDS_UP = {
  duckdb: `select (select coalesce(sum(orders), 0) from insight_customer_agg where workspace_id = $ws)
        = (select count(*) from orders where workspace_id = $ws and customer_id is not null and status <> 'cancelled' and ${analysed('customer_id')})
      and (select coalesce(sum(orders), 0) from insight_daily where workspace_id = $ws)
        = (select count(*) from orders where workspace_id = $ws and status <> 'cancelled') as ok`,
};

/**
 * Which customers to recompute incrementally: those with orders imported since the watermark and both sides of every
 * merge made or undone since the last refresh (a merge moves orders without importing them). A full rebuild takes
 * everyone (`true`: a predicate with a subquery would still be evaluated on every order).
 */
const CUSTOMERS_TOUCHED = `(customer_id in (select customer_id from orders where workspace_id = $ws and imported_at > $since::timestamp and customer_id is not null)
    or customer_id in (select unnest([survivor_id, merged_id]) from identity_merges where workspace_id = $ws and (merged_at >= $msince::timestamp or unmerged_at >= $msince::timestamp))
    or customer_id in (select customer_id from insight_scope_flips))`;
/** Which days to recompute incrementally in the daily rollup: those with an order imported since the watermark. */
const DAYS_TOUCHED = (col: string) => `${col} in (select distinct order_date from orders where workspace_id = $ws and imported_at > $since::timestamp)`;

const statements = (scope: string, days: (col: string) => string) => [
  { duckdb: `delete from insight_customer_agg where workspace_id = $ws and ${scope}` },
  { duckdb: `delete from insight_customer_month where workspace_id = $ws and ${scope}` },
  { duckdb: `delete from insight_daily where workspace_id = $ws and ${days('day')}` },
  {
    duckdb: `insert into insight_customer_agg
      select workspace_id, customer_id, min(order_date), max(order_date), count(*), count(distinct order_date),
        sum(gross_amount), sum(discount_amount), sum(refund_amount)
      from orders
      where workspace_id = $ws and customer_id is not null and status <> 'cancelled' and ${scope} and ${analysed('customer_id')}
      group by workspace_id, customer_id`,
  },
  {
    duckdb: `insert into insight_customer_month
      select workspace_id, customer_id, month, min(month) over (partition by customer_id), orders, gmv from (
        select workspace_id, customer_id, date_trunc('month', order_date)::date as month, count(*) as orders, sum(gross_amount) as gmv
        from orders
        where workspace_id = $ws and customer_id is not null and status <> 'cancelled' and ${scope} and ${analysed('customer_id')}
        group by all)`,
  },
  {
    duckdb: `insert into insight_daily
      select workspace_id, order_date, channel, store_code, staff_code, count(*), sum(gross_amount), sum(discount_amount), sum(refund_amount),
        count(*) filter (where refund_amount > 0 or status in ('refunded', 'partially_refunded'))
      from orders
      where workspace_id = $ws and status <> 'cancelled' and ${days('order_date')}
      group by all`,
  },
];
const REBUILD = { full: statements('true', () => 'true'), incremental: statements(CUSTOMERS_TOUCHED, DAYS_TOUCHED) };
const SAVE_WATERMARK = {
  duckdb: `insert or replace into insight_watermarks (workspace_id, name, imported_through, order_count, merges, refreshed_at)
    values ($ws, 'orders', $through::timestamp, $n, $merges, current_timestamp)`,
};
const SAVE_SCOPE = {
  duckdb: `insert or replace into insight_watermarks (workspace_id, name, imported_through, order_count, merges, refreshed_at)
    values ($ws, 'scope', null, $flips, $scope, current_timestamp)`,
};

export interface RefreshResult {
  mode: 'none' | 'incremental' | 'full';
  ms: number;
}

/** One refresh at a time per connection: concurrent callers (a portrait's parts) wait and then find nothing to do. */
const running = new WeakMap<object, Promise<unknown>>();

export async function refreshAggregates(app: App, opts: { full?: boolean } = {}): Promise<RefreshResult> {
  const prior = running.get(app.warehouse) ?? Promise.resolve();
  const next = prior.catch(() => undefined).then(() => refreshOnce(app, opts));
  running.set(app.warehouse, next);
  try {
    return await next;
  } finally {
    if (running.get(app.warehouse) === next) running.delete(app.warehouse);
  }
}

async function refreshOnce(app: App, opts: { full?: boolean }): Promise<RefreshResult> {
  const t0 = Date.now();
  const w = app.warehouse;
  const d = w.dialect;
  const ws = app.workspaceId;
  await ensureExclusions(w);
  const [now] = await w.all<{ through: string | null; n: number; merges: string }>(sqlFor(d, STATS), { ws });
  const [mark] = await w.all<{ through: string | null; n: number; merges: string | null; refreshed: string; scope: string | null }>(sqlFor(d, WATERMARK), { ws });
  const sc = await scopeChange(w, ws, mark?.scope ?? null);
  const scope = scopeMarkText(sc.now);
  let mode: RefreshResult['mode'] = 'none';
  if (opts.full || !mark || Number(now.n) < Number(mark.n)) mode = 'full';
  else if (now.through && (!mark.through || now.through > mark.through)) mode = 'incremental';
  else if (now.through !== mark.through || Number(now.n) !== Number(mark.n)) mode = 'full';
  else if (now.merges !== mark.merges || sc.moved) mode = 'incremental';
  const addsUp = async () => Boolean((await w.all<{ ok: boolean }>(sqlFor(d, ADDS_UP), { ws }))[0]?.ok);
  if (mode === 'none') {
    // only the quick mark moved (a profile update): remember it, so the exact one is not taken again
    if (scope !== mark?.scope) await w.run(sqlFor(d, SAVE_SCOPE), { ws, flips: 0, scope });
    return { mode, ms: Date.now() - t0 };
  }
  let scopeSaved = false;
  const rebuild = async (m: 'incremental' | 'full') => {
    const p = { ws, since: mark?.through ?? '1970-01-01', msince: mark?.refreshed ?? '1970-01-01' };
    await app.warehouse.transaction(async () => {
      let flips = 0;
      if (!scopeSaved && (m === 'full' || sc.moved)) flips = await refreshExclusions(w, ws);
      else await w.run('create or replace temp table insight_scope_flips (customer_id bigint)');
      for (const q of REBUILD[m]) await query(w, q, 'refreshAggregates', p);
      await w.run(sqlFor(d, SAVE_WATERMARK), { ws, through: now.through, n: Number(now.n), merges: now.merges });
      await w.run(sqlFor(d, SAVE_SCOPE), { ws, flips, scope });
      await w.run('drop table insight_scope_flips');
    });
    scopeSaved = true;
  };
  await rebuild(mode);
  if (mode === 'incremental' && !(await addsUp())) {
    mode = 'full';
    await rebuild('full');
  }
  return { mode, ms: Date.now() - t0 };
}
