import type { Warehouse } from '../../store/interfaces.ts';
import { query, numbers } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Ordering customers of one window (docs/metrics.md, 交易指标): customers who ordered, repeat customers (≥ 2 orders
 * in the window), their orders, new customers (first order ever in the window), and churn from the previous period
 * [$pfrom, $pto]. Cancelled orders never count, nor customers analytics may
 * not look at (src/insight/scope.ts: the aggregate holds only the others; the orders path leaves them out). Params: $ws, $from, $to, $pfrom, $pto and the dimension filters.
 *
 * Two sources with one meaning:
 * - `whole`: the per-customer aggregate, when the window holds every order of the workspace and no order-level
 *   filter applies (channel / store / staff): then each customer's window orders are all their orders, and the
 *   previous period, ending before the first order, is empty. City and segment filter the customers.
 * - `orders`: one grouped pass over the orders of the previous period and the window, otherwise.
 */
const CUSTOMER_FILTER_ON_A = `($city::varchar is null or a.customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ',')))))
        and ($segment::varchar is null or a.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))`;

const SQL = {
  whole: {
    duckdb: `select count(*) as customers, count(*) filter (where a.orders >= 2) as repeat_customers, coalesce(sum(a.orders), 0) as customer_orders,
        count(*) filter (where a.first_order_date >= $from::date) as new_customers, 0 as prev_customers, 0 as churned_customers
      from insight_customer_agg a
      where a.workspace_id = $ws and ${CUSTOMER_FILTER_ON_A}`,
  },
  orders: {
    duckdb: `with per as (
        select o.customer_id, count(*) filter (where o.order_date >= $from::date) as n,
          bool_or(o.order_date between $pfrom::date and $pto::date) as prev
        from orders o
        where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and ${analysed('o.customer_id')}
          and (o.order_date between $from::date and $to::date or o.order_date between $pfrom::date and $pto::date)
          and ${ORDER_FILTER}
        group by o.customer_id
      )
      select count(*) filter (where n > 0) as customers, count(*) filter (where n >= 2) as repeat_customers,
        coalesce(sum(n), 0) as customer_orders,
        count(*) filter (where n > 0 and a.first_order_date >= $from::date) as new_customers,
        count(*) filter (where prev) as prev_customers, count(*) filter (where prev and n = 0) as churned_customers
      from per left join insight_customer_agg a on a.workspace_id = $ws and a.customer_id = per.customer_id`,
  },
};

export interface OrderCustomersRow {
  customers: number;
  repeat_customers: number;
  customer_orders: number;
  new_customers: number;
  prev_customers: number;
  churned_customers: number;
}

export async function orderCustomers(w: Warehouse, params: Record<string, unknown>, source: 'whole' | 'orders'): Promise<OrderCustomersRow> {
  const [r] = await query(w, SQL[source], 'orderCustomers', params);
  return numbers<OrderCustomersRow>(r);
}
