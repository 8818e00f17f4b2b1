import { Database } from './duckdb/database.ts';
import { migrate } from './migrations/migrate.ts';
import { SqliteState } from './sqlite/state.ts';
import { PostgresState } from './postgres/state.ts';
import { migrateState, type StateEngine } from './state/migrate.ts';
import type { StateStore, Warehouse } from './interfaces.ts';
import type { WarehouseRecovery } from './duckdb/recovery.ts';
export type { WarehouseRecovery } from './duckdb/recovery.ts';
import { UserError } from '../errors.ts';

export interface OpenedWarehouse {
  warehouse: Warehouse;
  /** Set when the store had not been shut down cleanly and was opened at its last checkpoint. */
  recovery: WarehouseRecovery | null;
}

/**
 * Opens the warehouse file and brings its schema up to date; migrations just applied are checkpointed at once, so no
 * schema change ever waits in DuckDB's log.
 */
export async function openWarehouse(file: string, opts: { readOnly?: boolean } = {}): Promise<OpenedWarehouse> {
  const db = await Database.open(file, opts);
  try {
    if (!opts.readOnly && (await migrate(db)).length) await db.checkpoint();
  } catch (e) {
    db.close();
    throw e;
  }
  return { warehouse: db, recovery: db.recovery };
}

/** Opens the state store — PostgreSQL when `url` is given, else the SQLite file — and brings its schema up to date. */
export async function openState(opts: { file: string; url?: string | null }): Promise<StateStore> {
  const engine = await connectState(opts);
  try {
    await migrateState(engine);
  } catch (e) {
    await engine.close().catch(() => undefined);
    throw e;
  }
  return engine;
}

async function connectState(opts: { file: string; url?: string | null }): Promise<StateEngine> {
  if (!opts.url) return SqliteState.open(opts.file);
  if (!/^postgres(ql)?:\/\//i.test(opts.url)) {
    throw new UserError('bad_state_url', 'SIYU_STATE_URL must be a PostgreSQL URL (postgresql://…).', 'SIYU_STATE_URL 必须是 PostgreSQL 地址（postgresql://…）。');
  }
  try {
    return await PostgresState.open(opts.url);
  } catch (e) {
    const why = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
    throw new UserError('state_unreachable', `The state store at SIYU_STATE_URL cannot be reached: ${why}`, `无法连接 SIYU_STATE_URL 指向的状态库：${why}`, 503);
  }
}
