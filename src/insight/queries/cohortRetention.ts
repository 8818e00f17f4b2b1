import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Cohort retention cells (留存 / 同期群): cohort = the period of a customer's first order, offset k = periods since;
 * each cell counts the customers of the cohort who ordered in period cohort + k. Cohorts whose start falls in
 * [$from, $to] are kept; their later periods are not cut at $to.
 *
 * Two sources with one meaning: the per-customer-month aggregate, which carries each customer's cohort month (month
 * periods, no order-level filter: one grouped scan, no join), and the
 * orders themselves (any period, channel / store / staff filters: the cohort is then the first order in scope). Both
 * hold only customers analytics may look at (src/insight/scope.ts).
 */
const FROM_AGGREGATE = {
  duckdb: `with cp as (
      select m.month as p, m.cohort
      from insight_customer_month m
      where m.workspace_id = $ws
        and ($city::varchar is null or m.customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ',')))))
        and ($segment::varchar is null or m.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))
    ),
    cells as (select cohort, p, count(*) as customers from cp group by all)
    select cohort::varchar as cohort, date_diff('month', cohort, p) as k, customers,
      (select max(p) from cells)::varchar as last_period
    from cells
    where ($from::date is null or cohort >= date_trunc('month', $from::date)) and ($to::date is null or cohort <= $to::date)
    order by 1, 2`,
};

const FROM_ORDERS = {
  duckdb: `with cp as (
      select distinct o.customer_id, date_trunc($unit, o.order_date)::date as p
      from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and ${analysed('o.customer_id')} and ${ORDER_FILTER}
    ),
    co as (select customer_id, min(p) as cohort from cp group by customer_id)
    select co.cohort::varchar as cohort, date_diff($unit, co.cohort, cp.p) as k, count(*) as customers,
      (select max(p) from cp)::varchar as last_period
    from cp join co on co.customer_id = cp.customer_id
    where ($from::date is null or co.cohort >= date_trunc($unit, $from::date)) and ($to::date is null or co.cohort <= $to::date)
    group by all order by 1, 2`,
};

export interface CohortCell {
  cohort: string;
  k: number;
  customers: number;
  last_period: string;
}

export async function cohortCells(w: Warehouse, params: Record<string, unknown>, source: 'aggregate' | 'orders'): Promise<CohortCell[]> {
  const rows = await query(w, source === 'aggregate' ? FROM_AGGREGATE : FROM_ORDERS, 'cohortCells', params);
  return rows.map((r) => ({ cohort: String(r.cohort), k: Number(r.k), customers: Number(r.customers), last_period: String(r.last_period) }));
}
