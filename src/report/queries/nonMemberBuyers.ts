/**
 * Buyers who ordered between $d0 and $to and are in no group now: the audience of the "invite to a group"
 * recommendation (an audience, not a metric).
 */
export const NON_MEMBER_BUYERS = {
  duckdb: `select distinct o.customer_id from orders o
    where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and o.order_date between $d0::date and $to::date
      and o.customer_id not in (select customer_id from group_members where workspace_id = $ws and left_at is null)`,
};
