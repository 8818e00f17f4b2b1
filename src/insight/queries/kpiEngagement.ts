import type { Warehouse } from '../../store/interfaces.ts';
import { query, numbers } from './query.ts';
import { CUSTOMER_FILTER, ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Customer-base and engagement KPIs of one window (docs/metrics.md, 客户 / 触达 / 内容 / 社群 / 转化): the customer
 * base, active customers, messages, content, groups, coupons and the two conversion funnels. Events are bucketed by
 * events.event_date (local day); coupons and registrations by their local day in the workspace zone ($tz). The customer
 * base counts customers first seen (registered, acquired or first order) by $to, or never dated; written as those
 * registered or acquired by then (or undated) corrected by the few whose first order decides, so the base does not
 * join every customer to the aggregate.
 * "Ordered after X" means an order (not cancelled) on the day of X or within $attr_days days after it; only the orders
 * of customers with an event in the window are read for it. Active customers are those with an event or an order in
 * the window; only customers analytics may look at count (src/insight/scope.ts); the ordering ones come from the per-customer aggregate when the window holds every order and no
 * order-level filter applies (`whole`, see kpiOrderCustomers.ts), else from the orders.
 */
const LOCAL = (col: string) => `timezone($tz, timezone('UTC', ${col}))::date`;

const sql = (ordering: string) => `with c as (
      select c.id, ${LOCAL('c.registered_at')} as reg_day, least(${LOCAL('c.registered_at')}, ${LOCAL('c.acquired_at')}) as seen
      from customers c
      where c.workspace_id = $ws and c.status = 'active' and ${analysed('c.id')} and ${CUSTOMER_FILTER}
    ),
    a as (select customer_id, first_order_date from insight_customer_agg where workspace_id = $ws),
    e as (
      select e.customer_id, e.type, e.event_date
      from events e join c on c.id = e.customer_id
      where e.workspace_id = $ws and e.event_date between $from::date and $to::date
    ),
    od as (
      select distinct customer_id, order_date from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null
        and order_date between $from::date and $to::date + $attr_days::integer
        and customer_id in (select customer_id from e)
    ),
    firsts as (select customer_id, type, min(event_date) as d from e group by customer_id, type),
    readers as (select customer_id, d from firsts where type = 'content_read'),
    viewers as (select customer_id, d from firsts where type = 'product_view'),
    carters as (select v.customer_id, f.d from viewers v join firsts f on f.customer_id = v.customer_id and f.type = 'add_to_cart' and f.d >= v.d),
    reg as (select c.id, a.first_order_date from c left join a on a.customer_id = c.id where c.reg_day between $from::date and $to::date),
    cp as (
      select cp.redeemed_at from coupons cp join c on c.id = cp.customer_id
      where cp.workspace_id = $ws and ${LOCAL('cp.issued_at')} between $from::date and $to::date
    ),
    gm as (
      select distinct m.customer_id from group_members m join c on c.id = m.customer_id
      where m.workspace_id = $ws and ${LOCAL('m.joined_at')} <= $to::date and (m.left_at is null or ${LOCAL('m.left_at')} > $to::date)
    )
    select
      (select count(*) from c where seen is null or seen <= $to::date)
        - (select count(*) from c join a on a.customer_id = c.id where c.seen is null and a.first_order_date > $to::date)
        + (select count(*) from c join a on a.customer_id = c.id where c.seen > $to::date and a.first_order_date <= $to::date) as customers_total,
      (select count(*) from (
        select customer_id from e
        union
        ${ordering}
      )) as active_customers,
      (select count(*) from e where type = 'message_delivered') as messages_delivered,
      (select count(*) from e where type = 'message_opened') as messages_opened,
      (select count(*) from e where type = 'message_clicked') as messages_clicked,
      (select count(distinct customer_id) from e where type = 'message_delivered') as message_recipients,
      (select count(distinct e.customer_id) from e join od on od.customer_id = e.customer_id
        and od.order_date between e.event_date and e.event_date + $attr_days::integer where e.type = 'message_delivered') as message_converted,
      (select count(*) from readers) as content_readers,
      (select count(*) from readers r join firsts f on f.customer_id = r.customer_id and f.type = 'content_share') as content_sharers,
      (select count(*) from readers r where exists (select 1 from od where od.customer_id = r.customer_id
        and od.order_date between r.d and r.d + $attr_days::integer)) as content_ordered,
      (select count(*) from gm) as group_members,
      (select count(distinct customer_id) from e where type = 'group_message') as group_active_members,
      (select count(*) from e where type = 'group_message') as group_messages,
      (select count(*) from cp) as coupons_issued,
      (select count(*) from cp where redeemed_at is not null) as coupons_redeemed,
      (select count(*) from reg) as registered,
      (select count(*) from reg r where r.first_order_date is not null and r.first_order_date <= $to::date) as registered_ordered,
      (select count(*) from viewers) as viewers,
      (select count(*) from carters) as carters,
      (select count(*) from carters k where exists (select 1 from od where od.customer_id = k.customer_id
        and od.order_date between k.d and $to::date)) as cart_ordered`;

/** Who ordered in the window: all customers with an order (the window holds every order, no order-level filter), or from the orders. */
const ORDERING = {
  whole: `select a.customer_id from insight_customer_agg a where a.workspace_id = $ws
          and ($city::varchar is null or a.customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ',')))))
          and ($segment::varchar is null or a.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))`,
  orders: `select o.customer_id from orders o where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and ${analysed('o.customer_id')}
          and o.order_date between $from::date and $to::date and ${ORDER_FILTER}`,
};
const SQL = { whole: { duckdb: sql(ORDERING.whole) }, orders: { duckdb: sql(ORDERING.orders) } };

export interface EngagementKpiRow {
  customers_total: number;
  active_customers: number;
  messages_delivered: number;
  messages_opened: number;
  messages_clicked: number;
  message_recipients: number;
  message_converted: number;
  content_readers: number;
  content_sharers: number;
  content_ordered: number;
  group_members: number;
  group_active_members: number;
  group_messages: number;
  coupons_issued: number;
  coupons_redeemed: number;
  registered: number;
  registered_ordered: number;
  viewers: number;
  carters: number;
  cart_ordered: number;
}

export async function engagementKpis(w: Warehouse, params: Record<string, unknown>, source: 'whole' | 'orders'): Promise<EngagementKpiRow> {
  const [r] = await query(w, SQL[source], 'engagementKpis', params);
  return numbers<EngagementKpiRow>(r);
}
