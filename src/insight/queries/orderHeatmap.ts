import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';

/** Orders by local weekday (1 = Monday … 7) × hour (0–23) (下单时段热力图). */
const SQL = {
  duckdb: `select isodow(timezone($tz, timezone('UTC', o.ordered_at))) as weekday, hour(timezone($tz, timezone('UTC', o.ordered_at))) as hour, count(*) as orders
    from orders o
    where o.workspace_id = $ws and o.status <> 'cancelled' and o.order_date between $from::date and $to::date and ${ORDER_FILTER}
    group by all`,
};

export async function orderHeatmap(w: Warehouse, p: Record<string, unknown>): Promise<number[][]> {
  const grid = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  for (const r of await query(w, SQL, 'orderHeatmap', p)) grid[Number(r.weekday) - 1][Number(r.hour)] = Number(r.orders);
  return grid;
}
