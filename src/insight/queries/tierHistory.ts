import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';

/**
 * Member tier (会员等级) of every customer at every month end from their first order month to $to, by the rules
 * in $rules (JSON: [{rank, min_spend, min_orders}], src/domain/segments/tiers.ts) over the 12 months up to and
 * including that month (insight_customer_month). Returns the counts per (month, tier rank) and the moves between
 * consecutive months (from rank → to rank).
 */
const BASE = `with rules as (
      select unnest(from_json($rules, '[{"rank":"INTEGER","min_spend":"DOUBLE","min_orders":"INTEGER"}]'), recursive := true)
    ),
    cm as (
      select customer_id, month, orders, gmv::double as gmv from insight_customer_month
      where workspace_id = $ws and month <= $to::date
        and ($city::varchar is null or customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ',')))))
        and ($segment::varchar is null or customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))
    ),
    firsts as (select customer_id, min(month) as m0 from cm group by customer_id),
    grid as (
      select f.customer_id, g.m::date as month
      from firsts f, generate_series((select min(m0) from firsts), date_trunc('month', $to::date), interval 1 month) g(m)
      where g.m >= f.m0
    ),
    rolled as (
      select g.customer_id, g.month,
        sum(coalesce(cm.gmv, 0)) over w as spend12, sum(coalesce(cm.orders, 0)) over w as orders12
      from grid g left join cm on cm.customer_id = g.customer_id and cm.month = g.month
      window w as (partition by g.customer_id order by g.month rows between 11 preceding and current row)
    ),
    tiered as (
      select r.customer_id, r.month, max(rules.rank) as tier
      from rolled r join rules on (case when $match = 'all' then r.spend12 >= rules.min_spend and r.orders12 >= rules.min_orders
                                        else r.spend12 >= rules.min_spend or r.orders12 >= rules.min_orders end)
      group by r.customer_id, r.month
    )`;

const COUNTS = { duckdb: `${BASE} select month::varchar as month, tier, count(*) as customers from tiered where month >= date_trunc('month', $from::date) group by all order by 1, 2` };
const MOVES = {
  duckdb: `${BASE}, moves as (select month, lag(tier) over (partition by customer_id order by month) as from_tier, tier as to_tier from tiered)
    select month::varchar as month, from_tier, to_tier, count(*) as customers from moves
    where from_tier is not null and from_tier <> to_tier and month >= date_trunc('month', $from::date) group by all order by 1, 2, 3`,
};

export async function tierCounts(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, COUNTS, 'tierCounts', p)).map((r) => ({ month: String(r.month), tier: Number(r.tier), customers: Number(r.customers) }));
}

export async function tierMoves(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, MOVES, 'tierMoves', p)).map((r) => ({ month: String(r.month), from: Number(r.from_tier), to: Number(r.to_tier), customers: Number(r.customers) }));
}
