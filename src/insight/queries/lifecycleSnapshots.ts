import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { CUSTOMER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Each customer's lifecycle stage at each snapshot day (month ends from $from to $to, plus $asof), by the rule of
 * src/domain/segments/lifecycle.ts `stageOf` (without P(alive)). Customers count from the day they are known
 * (registration, acquisition or first order); only customers analytics may look at (src/insight/scope.ts). Returns counts per (day, stage) and transitions between consecutive
 * month ends. With $use_p_alive, the $asof snapshot takes a model's P(alive) (customer_scores, score p_alive) for
 * dormant / churned where one exists, as `stageOf` does.
 */
const BASE = `with c as (
      select c.id as customer_id, least(timezone($tz, timezone('UTC', c.registered_at))::date, timezone($tz, timezone('UTC', c.acquired_at))::date, a.first_order_date) as known_since
      from customers c left join insight_customer_agg a on a.workspace_id = c.workspace_id and a.customer_id = c.id
      where c.workspace_id = $ws and c.status = 'active' and ${analysed('c.id')} and ${CUSTOMER_FILTER}
    ),
    days as (
      select customer_id, order_date as d from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id in (select customer_id from c)
      group by customer_id, order_date
    ),
    seq as (
      select customer_id, d, d - lag(d) over w as gap, row_number() over w as n, min(d) over (partition by customer_id) as first_d
      from days window w as (partition by customer_id order by d)
    ),
    snaps as (
      select distinct e from (
        select (m + interval 1 month - interval 1 day)::date as e
        from generate_series(date_trunc('month', $from::date), date_trunc('month', $to::date), interval 1 month) g(m)
        union all select $asof::date
      ) where e <= greatest($to::date, $asof::date)
    ),
    grid as (select c.customer_id, s.e from c, snaps s where c.known_since is null or c.known_since <= s.e),
    at_e as (
      select g.customer_id, g.e, s.d as last_d, s.gap, s.n, s.first_d
      from grid g asof left join seq s on s.customer_id = g.customer_id and s.d <= g.e
    ),
    yr as (
      select a.*, coalesce(a.n, 0) - coalesce(s2.n, 0) as days365,
        case when $use_p_alive and a.e = $asof::date then pa.value end as p_alive
      from at_e a asof left join seq s2 on s2.customer_id = a.customer_id and s2.d <= a.e - 365
      left join (select customer_id, max(value) as value from customer_scores where workspace_id = $ws and score = 'p_alive' group by customer_id) pa
        on pa.customer_id = a.customer_id
    ),
    staged as (
      select customer_id, e, case
        when last_d is null then 'prospect'
        when e - first_d < $new_days then 'new'
        when p_alive is not null and p_alive < $p_alive_churned then 'churned'
        when p_alive is not null and p_alive < $p_alive_dormant then 'dormant'
        when p_alive is null and e - last_d > $dormant_days then 'churned'
        when p_alive is null and e - last_d > $active_days then 'dormant'
        when gap is not null and gap >= $return_gap_days then 'returned'
        when days365 >= $loyal_order_days then 'loyal'
        else 'active' end as stage
      from yr
    )`;

const COUNTS = { duckdb: `${BASE} select e::varchar as day, stage, count(*) as customers from staged group by all order by 1, 2` };
const TRANSITIONS = {
  duckdb: `${BASE}, months as (select * from staged where e = last_day(e) and e <= $to::date),
    moves as (select stage as from_stage, lead(stage) over w as to_stage, lead(e) over w as e from months window w as (partition by customer_id order by e))
    select e::varchar as month_end, from_stage, to_stage, count(*) as customers from moves where to_stage is not null group by all order by 1, 2, 3`,
};

export async function lifecycleCounts(w: Warehouse, p: Record<string, unknown>): Promise<{ day: string; stage: string; customers: number }[]> {
  return (await query(w, COUNTS, 'lifecycleCounts', p)).map((r) => ({ day: String(r.day), stage: String(r.stage), customers: Number(r.customers) }));
}

export async function lifecycleTransitions(w: Warehouse, p: Record<string, unknown>): Promise<{ month_end: string; from_stage: string; to_stage: string; customers: number }[]> {
  return (await query(w, TRANSITIONS, 'lifecycleTransitions', p)).map((r) => ({ month_end: String(r.month_end), from_stage: String(r.from_stage), to_stage: String(r.to_stage), customers: Number(r.customers) }));
}
