import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Community lift (社群效应): among customers who had bought before $d0, the share who ordered between $d0 and $to
 * and their spend, for members of a 社群 group at $d0 against everyone else. Written here because the insight
 * engine has no community query yet. Observational: members chose to join.
 */
export interface CommunityArm {
  member: boolean;
  customers: number;
  ordered: number;
  gmv: number;
  orders: number;
  /** Σ orders² over the arm's customers (for the variance of orders per customer). */
  ordersSq: number;
}

const SQL = {
  duckdb: `with buyers as (
      select customer_id from orders where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date < $d0::date
      group by customer_id
    ),
    members as (
      select distinct customer_id from group_members
      where workspace_id = $ws and joined_at < $d0::date and (left_at is null or left_at >= $d0::date)
    ),
    after as (
      select customer_id, count(*) as n, sum(gross_amount)::double as v from orders
      where workspace_id = $ws and status <> 'cancelled' and order_date between $d0::date and $to::date group by customer_id
    )
    select (m.customer_id is not null) as member, count(*) as customers, count(a.customer_id) as ordered,
      coalesce(sum(a.v), 0) as gmv, coalesce(sum(a.n), 0) as orders, coalesce(sum(a.n * a.n), 0) as orders_sq
    from buyers b left join members m using (customer_id) left join after a using (customer_id)
    group by 1 order by 1 desc`,
};

export async function communityLift(w: Warehouse, p: { ws: number; d0: string; to: string }): Promise<CommunityArm[]> {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'communityLift'), p);
  return rows.map((r) => ({ member: Boolean(r.member), customers: Number(r.customers), ordered: Number(r.ordered), gmv: Number(r.gmv), orders: Number(r.orders), ordersSq: Number(r.orders_sq) }));
}

/** Buyers who ordered since $d0 and are in no group now: whom to invite. */
export const NON_MEMBER_BUYERS = {
  duckdb: `select distinct o.customer_id from orders o
    where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and o.order_date between $d0::date and $to::date
      and o.customer_id not in (select customer_id from group_members where workspace_id = $ws and left_at is null)`,
};
