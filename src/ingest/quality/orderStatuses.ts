import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/** The statuses the import writes and the insight suite reads (docs/data-model.md). */
export const ORDER_STATUSES = ['paid', 'completed', 'refunded', 'partially_refunded', 'cancelled', 'pending'] as const;

const SQL = {
  duckdb: `select status, count(*) as n from orders where workspace_id = $ws group by status order by n desc, status`,
};

/**
 * Orders by status (订单状态), and those whose status Siyu does not know — an export's own word the import kept as
 * written (a `values` map in the mapping file names its meaning). The insight suite counts every order that is not
 * cancelled as revenue, so an unknown status deserves a look.
 */
export async function orderStatuses(w: Warehouse, ws: number) {
  const rows = await w.all<{ status: string; n: number }>(sqlFor(w.dialect, SQL, 'orderStatuses'), { ws });
  const known = new Set<string>(ORDER_STATUSES);
  const byStatus: Record<string, number> = {};
  const unknown: Record<string, number> = {};
  for (const r of rows) (known.has(r.status) ? byStatus : unknown)[r.status] = Number(r.n);
  return { byStatus, unknown };
}
