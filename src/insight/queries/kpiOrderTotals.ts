import type { Warehouse } from '../../store/interfaces.ts';
import { query, numbers } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';

/**
 * Order totals of one window (docs/metrics.md, 交易指标): orders, GMV, discounts, refunds and refunded orders.
 * Cancelled orders never count; orders without a known customer do. Params: $ws, $from, $to and the filters.
 *
 * Two sources with one meaning: the per-day × channel × store × guide rollup (insight_daily, a few rows per day),
 * which answers any window with the channel / store / staff filters, and the orders themselves, for the city and
 * segment filters (attributes of the customer, not of the order).
 */
const SQL = {
  rollup: {
    duckdb: `select coalesce(sum(orders), 0) as orders, coalesce(sum(gmv), 0) as gmv, coalesce(sum(discounts), 0) as discounts,
        coalesce(sum(refunds), 0) as refunds, coalesce(sum(refunded_orders), 0) as refunded_orders
      from insight_daily o
      where o.workspace_id = $ws and o.day between $from::date and $to::date
        and ($channel::varchar is null or o.channel in (select unnest(string_split($channel, ','))))
        and ($store::varchar is null or o.store_code in (select unnest(string_split($store, ','))))
        and ($staff::varchar is null or o.staff_code in (select unnest(string_split($staff, ','))))`,
  },
  orders: {
    duckdb: `select count(*) as orders, coalesce(sum(gross_amount), 0) as gmv, coalesce(sum(discount_amount), 0) as discounts,
        coalesce(sum(refund_amount), 0) as refunds,
        count(*) filter (where refund_amount > 0 or status in ('refunded', 'partially_refunded')) as refunded_orders
      from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.order_date between $from::date and $to::date and ${ORDER_FILTER}`,
  },
};

export interface OrderTotalsRow {
  orders: number;
  gmv: number;
  discounts: number;
  refunds: number;
  refunded_orders: number;
}

export async function orderTotals(w: Warehouse, params: Record<string, unknown>, source: 'rollup' | 'orders'): Promise<OrderTotalsRow> {
  const [r] = await query(w, SQL[source], 'orderTotals', params);
  return numbers<OrderTotalsRow>(r);
}
