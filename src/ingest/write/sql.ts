import type { Warehouse } from '../../store/interfaces.ts';

/** Builds the select expressions of a writer from what the file carries: raw text (`r.c`) or typed (`r.t_c`). */
export function cols(present: Set<string>) {
  return {
    raw: (c: string, fallback = 'null') => (present.has(c) ? `r.${c}` : fallback),
    typed: (c: string, fallback = 'null') => (present.has(c) ? `r.t_${c}` : fallback),
    has: (c: string) => present.has(c),
  };
}

export const GOOD = 'len(r._errors) = 0';

/**
 * The workspace's stored keys of a table, for a writer to anti-join its new rows with (`anti join EXISTING(…) x on …`):
 * a correlated NOT EXISTS made DuckDB materialise every row of the file for a delim join first.
 */
export const EXISTING = (keys: string, table: string) => `(select ${keys} from ${table} where workspace_id = $ws)`;

/** Runs a statement and returns the rows it changed. */
export async function changed(db: Warehouse, sql: string, params?: Record<string, unknown>): Promise<number> {
  return db.changes(sql, params);
}

/**
 * `changed` for a writer that joins the staged rows to their customers (`<p>_rows r left join <p>_rc rc`), with the
 * hash table built on `<p>_rc` (two integers a row) as written. DuckDB estimates the filtered rows at a fifth of the
 * file (a filter on an expression), so it flipped the join and built on the rows themselves — every column of
 * millions of rows — which ran past the import's memory cap at 10M rows.
 */
export async function changedJoiningCustomers(db: Warehouse, sql: string, params?: Record<string, unknown>): Promise<number> {
  await db.run(`set disabled_optimizers = 'build_side_probe_side'`);
  try {
    return await changed(db, sql, params);
  } finally {
    await db.run(`reset disabled_optimizers`);
  }
}

/** What a writer did with the file's good rows: imported (new), updated (changed a stored row), unchanged. */
export interface WriteResult { imported: number; updated?: number; unchanged: number; orderLines?: number }
