import { dataDir, paths, stateUrl, DEFAULT_WORKSPACE } from '../config.ts';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openState, openWarehouse, type OpenedWarehouse } from '../store/open.ts';
import type { WarehouseRecovery } from '../store/open.ts';
import { loadKeys } from '../privacy/keyring.ts';
import type { Keys } from '../domain/privacy/cipher.ts';
import { audit, type AuditEntry } from '../privacy/audit.ts';
import { relayConsentOutbox, syncConsentCopy } from '../privacy/consentCopy.ts';
import { moveLegacyState } from './legacy.ts';
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

export async function openApp(opts: { dir?: string; actor?: string; notice?: (line: string) => void } = {}): Promise<App> {
  const dir = opts.dir ?? dataDir();
  keepPrivate(dir);
  const state = await openState({ file: paths.state(dir), url: stateUrl() });
  let opened: OpenedWarehouse;
  try {
    opened = await openWarehouse(paths.database(dir));
  } catch (e) {
    await state.close();
    throw e;
  }
  const { warehouse, recovery } = opened;
  const app: App = { ...assemble({ dir, warehouse, state, actor: opts.actor ?? 'cli' }), close: async () => { warehouse.close(); await state.close(); } };
  try {
    if (recovery) await announceRecovery(app, recovery, opts.notice ?? ((t) => process.stderr.write(`${t}\n`)));
    await moveLegacyState(app);
    await catchUp(app);
  } catch (e) {
    await app.close();
    throw e;
  }
  return app;
}

/** What a crash may have left between the stores: an import's consents not yet relayed, a copy behind the ledger. */
async function catchUp(app: App): Promise<void> {
  await relayConsentOutbox(app);
  await syncConsentCopy(app);
}

/** The one line an operator reads after an unclean shutdown, and its audit record. */
async function announceRecovery(app: App, r: WarehouseRecovery, notice: (line: string) => void): Promise<void> {
  notice(
    `Siyu: the store was not shut down cleanly; it was opened at its last checkpoint (${r.checkpointAt}) and the unfinished log set aside ` +
    `(${basename(r.setAside)}): collected events are re-applied from the collection log when the server starts; an import that was running must be re-run. / ` +
    `数据库上次未正常关闭：已恢复到最近的检查点，采集事件将由采集日志补回，中断的导入需重新执行。`,
  );
  await app.audit({ actor: 'system', action: 'store.recover', detail: { checkpoint_at: r.checkpointAt, set_aside_bytes: r.bytes } });
}

/**
 * Everything Siyu writes in its data directory is private to its user (0600 files, 0700 directories), DuckDB's own
 * files included: the process's file-creation mask is set before any store opens, and files made before are fixed.
 */
function keepPrivate(dir: string): void {
  process.umask(0o077);
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    try {
      const mode = statSync(p).mode & 0o777;
      const want = f.isDirectory() ? 0o700 : 0o600;
      if (mode & 0o077) chmodSync(p, mode & want);
    } catch {
      /* a file removed meanwhile */
    }
  }
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
    audit: (e) => audit(app, { ...e, workspaceId: DEFAULT_WORKSPACE, actor: e.actor || o.actor }),
    close: async () => o.warehouse.close(),
  };
  return app;
}
