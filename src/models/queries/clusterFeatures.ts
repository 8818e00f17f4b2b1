/**
 * Behavioural features per buyer as of $asof for clustering, and the R, F, M values for the RFM cross-tab:
 * orders matched to a customer and not cancelled or fully refunded, on or before $asof; online share = orders
 * in online channels; content = content events in the 90 days to $asof; community = a group membership open on
 * $asof. Only active or restricted customers.
 */
export const CLUSTER_FEATURES_SQL = {
  duckdb: `with o as (
      select customer_id, order_date, channel, (gross_amount - refund_amount)::double as v
      from orders
      where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded') and order_date <= $asof::date
    ),
    hist as (
      select customer_id, count(*) as orders, sum(v) as spend, min(order_date) as first_d, max(order_date) as last_d,
        count(*) filter (where channel in ('mini_program', 'ecommerce', 'live_stream', 'official_account')) / count(*) as online_share
      from o group by customer_id
    ),
    ev as (
      select customer_id, count(*) as content from events
      where workspace_id = $ws and customer_id is not null and type in ('content_read', 'content_like', 'content_share')
        and event_date > $asof::date - 90 and event_date <= $asof::date
      group by customer_id
    ),
    grp as (
      select distinct customer_id from group_members
      where workspace_id = $ws and joined_at::date <= $asof::date and (left_at is null or left_at::date > $asof::date)
    )
    select h.customer_id,
      date_diff('day', h.last_d, $asof::date)::double as recency_days, h.orders::double as orders,
      (h.spend / h.orders)::double as aov, date_diff('day', h.first_d, $asof::date)::double as tenure_days,
      h.online_share::double as online_share, coalesce(ev.content, 0)::double as content_90d,
      (grp.customer_id is not null)::integer::double as in_group, h.spend::double as spend
    from hist h
    join customers c on c.workspace_id = $ws and c.id = h.customer_id and c.status in ('active', 'restricted')
    left join ev using (customer_id)
    left join grp using (customer_id)`,
};
