import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Orders, GMV and ordering customers per local day / week (Monday) / month in the window (趋势). Orders and GMV are
 * the brand's totals; customers are those analytics may look at (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `select date_trunc($unit, o.order_date)::date::varchar as period, count(*) as orders, sum(o.gross_amount)::double as gmv, count(distinct o.customer_id) filter (where ${analysed('o.customer_id')}) as customers
    from orders o
    where o.workspace_id = $ws and o.status <> 'cancelled' and o.order_date between $from::date and $to::date and ${ORDER_FILTER}
    group by all order by 1`,
};

export async function orderSeries(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'orderSeries', p)).map((r) => ({ period: String(r.period), orders: Number(r.orders), gmv: Math.round(Number(r.gmv) * 100) / 100, customers: Number(r.customers) }));
}
