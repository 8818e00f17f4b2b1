import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

export interface WorkspaceStats {
  customers: number;
  orders: number;
  events: number;
  gmv: number;
}

const SQL = {
  duckdb: `select
      (select count(*) from customers where workspace_id = $ws and status in ('active', 'restricted')) as customers,
      (select count(*) from orders where workspace_id = $ws) as orders,
      (select count(*) from events where workspace_id = $ws) as events,
      (select coalesce(sum(gross_amount), 0) from orders where workspace_id = $ws) as gmv`,
};

/** Counts shown on /healthz and `siyu stats`. */
export async function workspaceStats(w: Warehouse, ws: number): Promise<WorkspaceStats> {
  const [r] = await w.all(sqlFor(w.dialect, SQL, 'workspaceStats'), { ws });
  return { customers: Number(r.customers), orders: Number(r.orders), events: Number(r.events), gmv: Number(r.gmv) };
}
