import { dataDir, paths, stateUrl, DEFAULT_WORKSPACE } from '../config.ts';
import { openState, openWarehouse } from '../store/open.ts';
import { loadKeys } from '../privacy/keyring.ts';
import type { Keys } from '../domain/privacy/cipher.ts';
import { audit, type AuditEntry } from '../privacy/audit.ts';
import type { Warehouse, StateStore } from '../store/interfaces.ts';

/**
 * What every command and route works with: the open stores (warehouse and state), the workspace's keys, and who is
 * acting (for the audit log).
 */
export interface App {
  dir: string;
  warehouse: Warehouse;
  state: StateStore;
  keys: Keys;
  workspaceId: number;
  actor: string;
  audit(e: AuditEntry): Promise<void>;
  /** Closes what this App opened (a forked App closes its warehouse connection only). */
  close(): Promise<void>;
}

export async function openApp(opts: { dir?: string; actor?: string } = {}): Promise<App> {
  const dir = opts.dir ?? dataDir();
  const state = await openState({ file: paths.state(dir), url: stateUrl() });
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse(paths.database(dir));
  } catch (e) {
    await state.close();
    throw e;
  }
  const app = assemble({ dir, warehouse, state, actor: opts.actor ?? 'cli' });
  return { ...app, close: async () => { warehouse.close(); await state.close(); } };
}

/**
 * The same App on another warehouse connection and actor (the server hands each forwarded command, job and loader its
 * own connection); the state store is shared. Closing it closes only that connection.
 */
export function appOn(base: App, warehouse: Warehouse, actor: string): App {
  return assemble({ dir: base.dir, warehouse, state: base.state, actor });
}

function assemble(o: { dir: string; warehouse: Warehouse; state: StateStore; actor: string }): App {
  const keys = loadKeys(paths.keyring(o.dir));
  const app: App = {
    dir: o.dir, warehouse: o.warehouse, state: o.state, keys, workspaceId: DEFAULT_WORKSPACE, actor: o.actor,
    audit: (e) => audit(app.warehouse, { ...e, workspaceId: DEFAULT_WORKSPACE, actor: e.actor || o.actor }),
    close: async () => o.warehouse.close(),
  };
  return app;
}
