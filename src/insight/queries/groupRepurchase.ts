import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { analysed } from '../scope.ts';

/**
 * Community lift (社群复购提升): buyers whose first order falls in the window and at least $days days before the
 * last order in the store; repurchased = a second order (not cancelled) within $days days of the first order's
 * time; member = joined any group no later than $grace_days days after that first order. Customers analytics may
 * look at only (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `with o as (
      select customer_id, ordered_at, gross_amount from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and ${analysed('customer_id')}
    ),
    f as (select customer_id, min(ordered_at) as first_at from o group by customer_id),
    e as (select max(ordered_at) as last_at from o),
    m as (select customer_id, min(joined_at) as joined_at from group_members where workspace_id = $ws group by customer_id),
    elig as (
      select f.customer_id, f.first_at, coalesce(m.joined_at <= f.first_at + to_days($grace_days::integer), false) as member
      from f cross join e left join m on m.customer_id = f.customer_id
      where f.first_at <= e.last_at - to_days($days::integer)
        and timezone($tz, timezone('UTC', f.first_at))::date between $from::date and $to::date
    ),
    n as (
      select elig.customer_id, any_value(elig.member) as member, count(*) as orders
      from elig join o on o.customer_id = elig.customer_id and o.ordered_at < elig.first_at + to_days($days::integer)
      group by elig.customer_id
    )
    select member, count(*) as eligible, count(*) filter (where orders >= 2) as repurchased from n group by member`,
};

export async function groupRepurchase(w: Warehouse, p: Record<string, unknown>) {
  const rows = await query(w, SQL, 'groupRepurchase', p);
  const arm = (m: boolean) => {
    const r = rows.find((x) => Boolean(x.member) === m);
    const eligible = Number(r?.eligible ?? 0);
    const repurchased = Number(r?.repurchased ?? 0);
    return { eligible, repurchased, rate: eligible ? repurchased / eligible : null };
  };
  return { members: arm(true), non_members: arm(false) };
}
