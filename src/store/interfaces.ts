import type { Params, Row } from './duckdb/database.ts';

/**
 * The two stores DESIGN.md §2 names. Today one DuckDB file serves both; the scale-out adapters (ClickHouse for the
 * warehouse, PostgreSQL for the state) implement the same interfaces. Queries that differ per dialect are written
 * side by side (`{ duckdb: …, clickhouse: … }`) and picked with `sqlFor`.
 */
export type WarehouseDialect = 'duckdb' | 'clickhouse';
export type StateDialect = 'duckdb' | 'postgres';

/** Events, orders, order lines, message events: append-heavy, scanned by analytics. */
export interface Warehouse {
  readonly dialect: WarehouseDialect;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  run(sql: string, params?: Params): Promise<void>;
}

/** Customers, identities, consents, segments, users, keys, audit log: small transactional reads and writes. */
export interface StateStore {
  readonly dialect: StateDialect;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  run(sql: string, params?: Params): Promise<void>;
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

export type Dialected<D extends string> = { [K in D]?: string };

/** The SQL text of a query for the store's dialect; a query without that dialect is a bug, said clearly. */
export function sqlFor<D extends string>(dialect: D, variants: Dialected<D>, name = 'query'): string {
  const sql = variants[dialect];
  if (!sql) throw new Error(`${name} has no ${dialect} dialect yet`);
  return sql;
}
