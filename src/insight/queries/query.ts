import type { Row } from '../../store/interfaces.ts';
import type { Dialected, Warehouse, WarehouseDialect } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Runs a metric query in the warehouse's dialect, binding only the `$name` parameters its SQL text uses (DuckDB
 * refuses unused ones), so one parameter object can serve queries that use different subsets of the filters.
 */
export async function query<T extends Row = Row>(w: Warehouse, variants: Dialected<WarehouseDialect>, name: string, params: Record<string, unknown>): Promise<T[]> {
  const sql = sqlFor(w.dialect, variants, name);
  const used = new Set([...sql.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]));
  const bound: Record<string, unknown> = {};
  for (const k of used) bound[k] = params[k] ?? null;
  return w.all<T>(sql, bound);
}

/** Every value of a row as a number (nulls as 0): for rows of counts and sums. */
export function numbers<T>(r: Row | undefined): T {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v ?? 0)])) as T;
}
