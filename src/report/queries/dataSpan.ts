import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/** First and last local day with orders or events, and the brand's name: what the report's period defaults to. */
export interface DataSpan {
  brand: string;
  first: string | null;
  last: string | null;
}

const SQL = {
  duckdb: `select
      (select name from workspaces where id = $ws) as brand,
      least((select min(order_date) from orders where workspace_id = $ws), (select min(event_date) from events where workspace_id = $ws))::varchar as first,
      greatest((select max(order_date) from orders where workspace_id = $ws), (select max(event_date) from events where workspace_id = $ws))::varchar as last`,
};

export async function dataSpan(w: Warehouse, ws: number): Promise<DataSpan> {
  const [r] = await w.all(sqlFor(w.dialect, SQL, 'dataSpan'), { ws });
  return { brand: String(r?.brand ?? ''), first: (r?.first as string | null) ?? null, last: (r?.last as string | null) ?? null };
}
