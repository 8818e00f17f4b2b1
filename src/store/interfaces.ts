/**
 * The two stores DESIGN.md §2 names, each behind its interface; code outside src/store reaches an engine only through
 * these (a lint rule keeps engine packages inside src/store/<engine>/).
 *
 * - The *warehouse* holds the analytic bulk (events, orders, order lines, the identity graph and customer dimension
 *   the import builds, aggregates, scores). Embedded: DuckDB. Queries that differ per dialect are written side by side
 *   (`{ duckdb: …, clickhouse: … }`) and picked with `sqlFor`.
 * - The *state* store holds what must never be lost, repeated or corrupted (users, sessions, keys, sources, the audit
 *   log, the consent ledger, DSR requests, definitions, runs). Embedded: SQLite; scale-out: PostgreSQL. Its SQL is
 *   the portable subset both engines read (docs/ARCHITECTURE.md, "State SQL").
 */
export type WarehouseDialect = 'duckdb' | 'clickhouse';
export type StateDialect = 'sqlite' | 'postgres';

export type Params = Record<string, unknown> | unknown[];
export type Row = Record<string, unknown>;

/** Rows appended to one table, value by value, a row at a time (the engine's bulk-load path). */
export interface Appender {
  appendInteger(v: number): void;
  appendBigInt(v: bigint): void;
  appendDouble(v: number): void;
  appendVarchar(v: string): void;
  appendBoolean(v: boolean): void;
  appendNull(): void;
  endRow(): void;
  flushSync(): void;
  closeSync(): void;
}

/** A query's result as columns of JS values (BIGINT columns as bigint), for results too large for row objects. */
export interface Columns {
  names: string[];
  columns: unknown[][];
}

/** The analytic store. Parameters are bound (`$name`); a Buffer parameter is bound as a BLOB. */
export interface Warehouse {
  readonly dialect: WarehouseDialect;
  /** Where it lives (a file path), for messages. */
  readonly file: string;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined>;
  /** A single number from a query like `select count(*) from …`. */
  scalar(sql: string, params?: Params): Promise<number>;
  run(sql: string, params?: Params): Promise<void>;
  /** Runs a statement and returns the number of rows it changed. */
  changes(sql: string, params?: Params): Promise<number>;
  columns(sql: string, params?: Params): Promise<Columns>;
  /** A result's DOUBLE columns as Float64Arrays (NULL as NaN). */
  doubleColumns(sql: string, params?: Params): Promise<Float64Array[]>;
  /** Writes inside are all-or-nothing; nested calls join the outer transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  readonly inTransaction: boolean;
  /** An appender on a table of this connection (`temp`: a temporary table). */
  appender(table: string, opts?: { temp?: boolean }): Promise<Appender>;
  /** A second connection on the same store, for a unit of work that must not share this one's transaction. */
  fork(): Promise<Warehouse>;
  /** Makes everything committed durable in the main file (the engine's own write-ahead log emptied). */
  checkpoint(): Promise<void>;
  /** Writes a consistent copy of the whole store (schema, data, sequences) to a new file. */
  snapshotTo(file: string): Promise<void>;
  close(): void;
}

/** The transactional store. SQL is the portable subset of SQLite and PostgreSQL; named `$name` parameters. */
export interface StateStore {
  readonly dialect: StateDialect;
  /** Where it lives (a file path, or a PostgreSQL URL without its password), for messages. */
  readonly location: string;
  all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]>;
  get<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined>;
  scalar(sql: string, params?: Params): Promise<number>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: Params): Promise<number>;
  /**
   * All-or-nothing, committed durably before it resolves. Statements of other callers wait (SQLite) or run on other
   * connections (PostgreSQL); nested calls join the outer transaction.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs reads that all see one consistent state of the store (a read-only snapshot). */
  snapshot<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type Dialected<D extends string> = { [K in D]?: string };

/** The SQL text of a query for the store's dialect; a query without that dialect is a bug, said clearly. */
export function sqlFor<D extends string>(dialect: D, variants: Dialected<D>, name = 'query'): string {
  const sql = variants[dialect];
  if (!sql) throw new Error(`${name} has no ${dialect} dialect yet`);
  return sql;
}
