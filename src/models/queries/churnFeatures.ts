/**
 * Churn features per customer as of the cut-off day $cut (inclusive), for customers whose first order is on or
 * before it, with the label: 1 when they placed no order in ($cut, $cut + $win days]. Orders count when matched
 * to a customer and not cancelled or fully refunded; behaviour = product views and carts in the 14 days to $cut, and those after the last order (not yet bought: they precede orders); engagement = content
 * events in the 90 days to $cut;
 * community = a group membership open on $cut; consent = any marketing purpose whose latest change by $cut is a
 * grant; p_no_order from a BG/NBD fit. Only active or restricted customers.
 */
export const CHURN_FEATURES_SQL = {
  duckdb: `with o as (
      select customer_id, order_date, ordered_at, (gross_amount - refund_amount)::double as v
      from orders
      where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded')
    ),
    hist as (
      select customer_id, count(*) as orders, count(*) filter (where order_date > $cut::date - 180) as orders_180d,
        sum(v) as spend, min(order_date) as first_d, max(order_date) as last_d, count(distinct order_date) - 1 as x,
        max(ordered_at) as last_at
      from o where order_date <= $cut::date group by customer_id
    ),
    fut as (select distinct customer_id from o where order_date > $cut::date and order_date <= $cut::date + $win::integer),
    ev as (
      select e.customer_id,
        count(*) filter (where type = 'product_view' and event_date > $cut::date - 14) as views,
        count(*) filter (where type = 'add_to_cart' and event_date > $cut::date - 14) as carts,
        count(*) filter (where type = 'add_to_cart' and occurred_at > h.last_at) as open_carts,
        count(*) filter (where type = 'product_view' and occurred_at > h.last_at) as open_views,
        count(*) filter (where type in ('content_read', 'content_like', 'content_share')) as content
      from events e join hist h using (customer_id)
      where e.workspace_id = $ws and e.customer_id is not null and event_date > $cut::date - 90 and event_date <= $cut::date
      group by e.customer_id
    ),
    grp as (
      select distinct customer_id from group_members
      where workspace_id = $ws and joined_at::date <= $cut::date and (left_at is null or left_at::date > $cut::date)
    ),
    con as (
      select customer_id, bool_or(status = 'granted') as granted
      from (
        select customer_id, purpose, arg_max(status, changed_at) as status from consents
        where workspace_id = $ws and purpose like 'marketing_%' and changed_at::date <= $cut::date
        group by customer_id, purpose
      ) latest group by customer_id
    )
    select h.customer_id,
      -- BG/NBD (parameters $r $alpha $a $bb, weeks): P(no order in the window) = 1 − P(alive)·(1 − ((α+T)/(α+T+t))^(r+x))
      1 - (case when h.x > 0 then 1 / (1 + $a / ($bb + h.x - 1) * pow(($alpha + date_diff('day', h.first_d, $cut::date) / 7) / ($alpha + date_diff('day', h.first_d, h.last_d) / 7), $r + h.x)) else 1 end)
        * (1 - pow(($alpha + date_diff('day', h.first_d, $cut::date) / 7) / ($alpha + date_diff('day', h.first_d, $cut::date) / 7 + $win::integer / 7), $r + h.x)) as p_no_order,
      date_diff('day', h.last_d, $cut::date)::double as recency_days,
      -- days since the last order over the customer's own mean days between purchase days (0 for one-time buyers)
      case when h.x > 0 then date_diff('day', h.last_d, $cut::date) / greatest(date_diff('day', h.first_d, h.last_d) / h.x, 1) else 0 end::double as overdue,
      h.orders::double as orders, h.orders_180d::double as orders_180d, round(h.spend, 2)::double as spend,
      date_diff('day', h.first_d, $cut::date)::double as tenure_days,
      coalesce(ev.views, 0)::double as views_14d, coalesce(ev.carts, 0)::double as carts_14d,
      coalesce(ev.open_views, 0)::double as views_since_order, coalesce(ev.open_carts, 0)::double as carts_since_order,
      coalesce(ev.content, 0)::double as content_90d,
      (grp.customer_id is not null)::integer::double as in_group,
      coalesce(con.granted, false)::integer::double as marketing_consent,
      (fut.customer_id is null)::integer as churned
    from hist h
    join customers c on c.workspace_id = $ws and c.id = h.customer_id and c.status in ('active', 'restricted')
    left join fut using (customer_id)
    left join ev using (customer_id)
    left join grp using (customer_id)
    left join con using (customer_id)`,
};
