import type { Database } from '../store/duckdb/database.ts';
import type { DuckDBAppender } from '@duckdb/node-api';

let counter = 0;
/** A fresh prefix for one unit of work's temp tables, so concurrent units on one connection never collide. */
export function tempPrefix(kind: string): string {
  return `_${kind}${process.pid.toString(36)}_${(counter++).toString(36)}`;
}

/** An appender on a temp table of this connection. */
export async function tempAppender(db: Database, table: string): Promise<DuckDBAppender> {
  return db.connection.createAppender(table, 'main', 'temp');
}

/** Pages through a temp table that has a dense 1-based `k` column, `size` rows at a time. */
export async function* pages<T extends Record<string, unknown>>(db: Database, sql: string, total: number, size = 200_000, params: Record<string, unknown> = {}): AsyncGenerator<T[]> {
  for (let a = 1; a <= total; a += size) yield await db.all<T>(sql, { ...params, a, b: a + size - 1 });
}

export async function dropTemp(db: Database, prefix: string): Promise<void> {
  const tables = await db.all<{ t: string }>(`select table_name as t from duckdb_tables() where temporary and starts_with(table_name, $p || '_')`, { p: prefix });
  for (const { t } of tables) await db.run(`drop table if exists ${t}`);
}
