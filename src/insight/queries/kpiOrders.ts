import type { Warehouse } from '../../store/interfaces.ts';
import { query, numbers } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';

/**
 * Order KPIs of one window (docs/metrics.md, 交易指标): orders, GMV, discounts, refunds, customers who ordered,
 * repeat and new customers, and churn from the previous period. Cancelled orders never count.
 * Params: $ws, $from, $to, $pfrom, $pto (the previous period, for churn), and the dimension filters.
 */
const SQL = {
  duckdb: `with o as (
      select o.customer_id, o.order_date, o.gross_amount, o.discount_amount, o.refund_amount, o.status
      from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled'
        and o.order_date between least($pfrom::date, $from::date) and $to::date
        and ${ORDER_FILTER}
    ),
    cur as (select * from o where order_date between $from::date and $to::date),
    per as (select customer_id, count(*) as n from cur where customer_id is not null group by customer_id),
    prev as (select distinct customer_id from o where order_date between $pfrom::date and $pto::date and customer_id is not null)
    select
      (select count(*) from cur) as orders,
      (select coalesce(sum(gross_amount), 0) from cur) as gmv,
      (select coalesce(sum(discount_amount), 0) from cur) as discounts,
      (select coalesce(sum(refund_amount), 0) from cur) as refunds,
      (select count(*) from cur where refund_amount > 0 or status in ('refunded', 'partially_refunded')) as refunded_orders,
      (select count(*) from per) as customers,
      (select count(*) from per where n >= 2) as repeat_customers,
      (select coalesce(sum(n), 0) from per) as customer_orders,
      (select count(*) from per join insight_customer_agg a on a.workspace_id = $ws and a.customer_id = per.customer_id
        where a.first_order_date >= $from::date) as new_customers,
      (select count(*) from prev) as prev_customers,
      (select count(*) from prev where customer_id not in (select customer_id from per)) as churned_customers`,
};

export interface OrderKpiRow {
  orders: number;
  gmv: number;
  discounts: number;
  refunds: number;
  refunded_orders: number;
  customers: number;
  repeat_customers: number;
  customer_orders: number;
  new_customers: number;
  prev_customers: number;
  churned_customers: number;
}

export async function orderKpis(w: Warehouse, params: Record<string, unknown>): Promise<OrderKpiRow> {
  const [r] = await query(w, SQL, 'orderKpis', params);
  return numbers<OrderKpiRow>(r);
}
