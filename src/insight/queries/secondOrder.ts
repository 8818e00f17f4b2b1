import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { analysed } from '../scope.ts';

/**
 * First → second order conversion (首单→二单转化): of customers whose first order day falls in the window and is at
 * least D days before the last order day of the workspace, the share with a second order day within D days, for
 * D = 30, 60, 90, 180, 365 (each with its own eligible base; customers analytics may look at only); and ever (within_days null: everyone, by the data's end).
 */
const SQL = {
  duckdb: `with d as (
      select customer_id, order_date as d, row_number() over (partition by customer_id order by order_date) as n
      from (select distinct customer_id, order_date from orders where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and ${analysed('customer_id')})
    ),
    fs as (
      select customer_id, max(d) filter (where n = 1) as first_d, max(d) filter (where n = 2) as second_d from d where n <= 2 group by customer_id
    ),
    w as (select * from fs where first_d between $from::date and $to::date),
    e as (select max(order_date) as last_day from orders where workspace_id = $ws and status <> 'cancelled')
    select h.days,
      count(*) filter (where h.days is null or w.first_d <= e.last_day - h.days) as eligible,
      count(*) filter (where (h.days is null and w.second_d is not null) or (w.first_d <= e.last_day - h.days and w.second_d - w.first_d <= h.days)) as converted
    from w, e, (select unnest([30, 60, 90, 180, 365, null]) as days) h
    group by h.days order by h.days nulls last`,
};

export async function secondOrder(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'secondOrder', p)).map((r) => {
    const eligible = Number(r.eligible);
    const converted = Number(r.converted);
    return { within_days: r.days === null ? null : Number(r.days), eligible, converted, rate: eligible ? converted / eligible : null };
  });
}
