import type { Appender, Warehouse } from '../store/interfaces.ts';

let counter = 0;
/** A fresh prefix for one unit of work's temp tables, so concurrent units on one connection never collide. */
export function tempPrefix(kind: string): string {
  return `_${kind}${process.pid.toString(36)}_${(counter++).toString(36)}`;
}

/** An appender on a temp table of this connection. */
export async function tempAppender(db: Warehouse, table: string): Promise<Appender> {
  return db.appender(table, { temp: true });
}

/**
 * Pages through a temp table that has a dense 1-based `k` column, `size` rows at a time, as row objects built from
 * columnar JS values (BIGINT columns come back as numbers).
 */
export async function* pages<T extends Record<string, unknown>>(db: Warehouse, sql: string, total: number, size = 200_000, params: Record<string, unknown> = {}): AsyncGenerator<T[]> {
  for (let a = 1; a <= total; a += size) {
    const { names, columns: cols } = await db.columns(sql, { ...params, a, b: a + size - 1 });
    const n = cols[0]?.length ?? 0;
    const rows: T[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const o: Record<string, unknown> = {};
      for (let j = 0; j < names.length; j++) {
        const v = cols[j][i];
        o[names[j]] = typeof v === 'bigint' ? Number(v) : v;
      }
      rows[i] = o as T;
    }
    yield rows;
  }
}

/**
 * Pages through like `pages`, handing each page to `work` while DuckDB reads the next one (on its own threads),
 * then to `sink`, which may write on the connection: it never runs during a read.
 */
export async function pipelinePages<T extends Record<string, unknown>, R>(db: Warehouse, sql: string, total: number, size: number, work: (page: T[]) => R, sink: (page: T[], result: R) => void): Promise<void> {
  const it = pages<T>(db, sql, total, size)[Symbol.asyncIterator]();
  let cur = await it.next();
  while (!cur.done) {
    const reading = it.next();
    const result = work(cur.value);
    const next = await reading;
    sink(cur.value, result);
    cur = next;
  }
}

export async function dropTemp(db: Warehouse, prefix: string): Promise<void> {
  const views = await db.all<{ t: string }>(`select view_name as t from duckdb_views() where temporary and starts_with(view_name, $p || '_')`, { p: prefix });
  for (const { t } of views) await db.run(`drop view if exists ${t}`);
  const tables = await db.all<{ t: string }>(`select table_name as t from duckdb_tables() where temporary and starts_with(table_name, $p || '_')`, { p: prefix });
  for (const { t } of tables) await db.run(`drop table if exists ${t}`);
}
