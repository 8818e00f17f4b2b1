import { dataDir, paths, DEFAULT_WORKSPACE } from '../config.ts';
import { Database } from '../store/duckdb/database.ts';
import { migrate } from '../store/migrations/migrate.ts';
import { loadKeys } from '../privacy/keyring.ts';
import type { Keys } from '../domain/privacy/cipher.ts';
import { audit, type AuditEntry } from '../privacy/audit.ts';
import type { Warehouse, StateStore } from '../store/interfaces.ts';

/**
 * What every command and route works with: the open store (as warehouse and state), the workspace's keys, and
 * who is acting (for the audit log).
 */
export interface App {
  dir: string;
  db: Database;
  warehouse: Warehouse;
  state: StateStore;
  keys: Keys;
  workspaceId: number;
  actor: string;
  audit(e: AuditEntry): Promise<void>;
  close(): void;
}

export async function openApp(opts: { dir?: string; actor?: string } = {}): Promise<App> {
  const dir = opts.dir ?? dataDir();
  const db = await Database.open(paths.database(dir));
  await migrate(db);
  return appOn(db, dir, opts.actor ?? 'cli');
}

/** An App over an already open database (the server hands each forwarded command its own connection). */
export function appOn(db: Database, dir: string, actor: string): App {
  const keys = loadKeys(paths.keyring(dir));
  const warehouse: Warehouse = { dialect: 'duckdb', all: (s, p) => db.all(s, p), run: (s, p) => db.run(s, p) };
  const state: StateStore = { dialect: 'duckdb', all: (s, p) => db.all(s, p), run: (s, p) => db.run(s, p), transaction: (fn) => db.transaction(fn) };
  return {
    dir, db, warehouse, state, keys, workspaceId: DEFAULT_WORKSPACE, actor,
    audit: (e) => audit(db, { ...e, workspaceId: DEFAULT_WORKSPACE, actor: e.actor || actor }),
    close: () => db.close(),
  };
}
