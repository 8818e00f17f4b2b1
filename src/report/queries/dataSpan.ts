import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * The days the data covers: first and last local order day (what the report's period is chosen from — events do
 * not move it), the last event day (said, not used to choose), and how many orders a period holds.
 */
export interface DataSpan {
  first: string | null;
  last: string | null;
  lastEvent: string | null;
}

const SQL = {
  duckdb: `select
      (select min(order_date) from orders where workspace_id = $ws)::varchar as first,
      (select max(order_date) from orders where workspace_id = $ws)::varchar as last,
      (select max(event_date) from events where workspace_id = $ws)::varchar as last_event`,
};

const ORDERS_IN = {
  duckdb: `select count(*) as n from orders where workspace_id = $ws and order_date between $from::date and $to::date`,
};

export async function dataSpan(w: Warehouse, ws: number): Promise<DataSpan> {
  const [r] = await w.all(sqlFor(w.dialect, SQL, 'dataSpan'), { ws });
  return { first: (r?.first as string | null) ?? null, last: (r?.last as string | null) ?? null, lastEvent: (r?.last_event as string | null) ?? null };
}

export async function ordersIn(w: Warehouse, ws: number, p: { from: string; to: string }): Promise<number> {
  return w.scalar(sqlFor(w.dialect, ORDERS_IN, 'ordersIn'), { ws, ...p });
}
