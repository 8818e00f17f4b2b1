import type { Database } from '../../store/duckdb/database.ts';

/** Builds the select expressions of a writer from what the file carries: raw text (`r.c`) or typed (`r.t_c`). */
export function cols(present: Set<string>) {
  return {
    raw: (c: string, fallback = 'null') => (present.has(c) ? `r.${c}` : fallback),
    typed: (c: string, fallback = 'null') => (present.has(c) ? `r.t_${c}` : fallback),
    has: (c: string) => present.has(c),
  };
}

export const GOOD = 'len(r._errors) = 0';

/** Runs a statement and returns the rows it changed. */
export async function changed(db: Database, sql: string, params?: Record<string, unknown>): Promise<number> {
  const r = await db.connection.run(sql, params as never);
  return Number(r.rowsChanged);
}

export interface WriteResult { imported: number; unchanged: number; orderLines?: number }
