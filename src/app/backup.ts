/**
 * Backup and restore of a workspace's data (备份与恢复): one folder holding a consistent snapshot of both stores —
 * the warehouse first, then the state store, so the state is never behind the warehouse's copy of it (a copy's
 * watermark must not pass the ledger it copies) — plus the audit chain's head and anchors and the kept reports, with
 * a manifest of checksums. The keyring is never in it: without the keyring the backup's PII cannot be read, and with
 * it anyone could, so it is kept apart (the manifest names its key ids, and a restore checks them).
 * A backup is taken while the server runs (the command goes through it); a restore needs the store closed.
 */
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from './context.ts';
import { paths, stateUrl } from '../config.ts';
import { openState } from '../store/open.ts';
import { exportState, importState } from '../store/state/snapshot.ts';
import { UserError } from '../errors.ts';
import { loadKeys } from '../privacy/keyring.ts';

const WAREHOUSE = 'siyu.duckdb';
const STATE = 'siyu-state.db';
/** Files beside the store that travel with it (when present). */
const BESIDE = ['audit.head', 'audit.anchors'];

export interface Manifest {
  format: 1;
  created_at: string;
  state_engine: string;
  key_ids: string[];
  files: Record<string, { bytes: number; sha256: string }>;
  state_rows: Record<string, number>;
  warehouse: { customers: number; orders: number; events: number };
}

export async function backup(app: App, dir: string): Promise<Manifest> {
  if (existsSync(dir) && readdirSync(dir).length) throw new UserError('backup_dir_not_empty', `The backup folder ${dir} is not empty; name a new or empty folder.`, `备份目录 ${dir} 非空，请指定新的或空的目录。`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await app.warehouse.checkpoint();
  await app.warehouse.snapshotTo(join(dir, WAREHOUSE));
  // the audit anchors before the state snapshot: an append in between then leaves the table ahead of its anchors
  // (verified), never the anchors ahead of the table (a deletion, to verify)
  for (const f of BESIDE) if (existsSync(join(app.dir, f))) cpSync(join(app.dir, f), join(dir, f));
  const stateRows = await exportState(app.state, join(dir, STATE));
  if (existsSync(paths.reports(app.dir))) cpSync(paths.reports(app.dir), join(dir, 'reports'), { recursive: true });
  const counts = await app.warehouse.get<{ customers: number; orders: number; events: number }>(
    `select (select count(*) from customers where status <> 'merged') as customers, (select count(*) from orders) as orders, (select count(*) from events) as events`);
  const manifest: Manifest = {
    format: 1, created_at: new Date().toISOString(), state_engine: app.state.dialect, key_ids: [...app.keys.aes.keys()].sort(),
    files: await checksums(dir), state_rows: stateRows, warehouse: { customers: Number(counts!.customers), orders: Number(counts!.orders), events: Number(counts!.events) },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  await app.audit({ actor: app.actor, action: 'store.backup', detail: { files: Object.keys(manifest.files).length, state_engine: manifest.state_engine } });
  return manifest;
}

export interface RestoreResult { manifest: Manifest; replacedInto: string | null }

/** Restores a backup into the data directory `dataDir` (the store must be closed); the current store is moved aside. */
export async function restore(dataDir: string, dir: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new UserError('not_a_backup', `${dir} holds no manifest.json: it is not a Siyu backup.`, `${dir} 中没有 manifest.json，不是 Siyu 备份。`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const found = await checksums(dir);
  for (const [f, want] of Object.entries(manifest.files)) {
    if (found[f]?.sha256 !== want.sha256) throw new UserError('backup_damaged', `The backup's ${f} does not match its manifest (damaged or changed); nothing was restored.`, `备份中的 ${f} 与清单不符（损坏或被改动），未做任何恢复。`);
  }
  const keys = loadKeys(paths.keyring(dataDir));
  const missing = manifest.key_ids.filter((k) => !keys.aes.has(k));
  if (missing.length) {
    throw new UserError('keyring_mismatch', `The keyring beside the store lacks the key(s) ${missing.join(', ')} this backup was encrypted with: put the keyring kept apart with the backup in place first.`, `当前密钥环缺少备份所用的密钥 ${missing.join('、')}：请先放回与备份分开保管的密钥环。`);
  }
  const occupied = existsSync(paths.database(dataDir)) || existsSync(paths.state(dataDir));
  if (occupied && !opts.force) throw new UserError('store_exists', `${dataDir} already holds a store; add --force to replace it (it is moved aside, not deleted).`, `${dataDir} 中已有数据库；加 --force 替换（原数据将移到一旁保存，不会删除）。`);
  let replacedInto: string | null = null;
  if (occupied) {
    replacedInto = join(dataDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(replacedInto, { mode: 0o700 });
    for (const f of readdirSync(dataDir)) {
      if (f === 'keyring.json' || f.startsWith('replaced-')) continue;
      if (/^(siyu\.duckdb|siyu-state\.db)/.test(f) || BESIDE.includes(f) || f === 'wal' || f === 'reports') renameSync(join(dataDir, f), join(replacedInto, f));
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  cpSync(join(dir, WAREHOUSE), paths.database(dataDir));
  for (const f of BESIDE) if (existsSync(join(dir, f))) cpSync(join(dir, f), join(dataDir, f));
  if (existsSync(join(dir, 'reports'))) cpSync(join(dir, 'reports'), paths.reports(dataDir), { recursive: true });
  // read from a private copy: opening a SQLite file writes to it, and the backup must stay as its manifest says
  const work = mkdtempSync(join(dataDir, '.restore-'));
  const state = await openState({ file: paths.state(dataDir), url: stateUrl() });
  try {
    cpSync(join(dir, STATE), join(work, STATE));
    await importState(state, join(work, STATE));
  } finally {
    await state.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { manifest, replacedInto };
}

async function checksums(dir: string, prefix = ''): Promise<Record<string, { bytes: number; sha256: string }>> {
  const out: Record<string, { bytes: number; sha256: string }> = {};
  for (const f of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${f}` : f;
    if (rel === 'manifest.json') continue;
    const p = join(dir, rel);
    if (statSync(p).isDirectory()) Object.assign(out, await checksums(dir, rel));
    else out[rel] = { bytes: statSync(p).size, sha256: await sha256(p) };
  }
  return out;
}

function sha256(file: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (b) => h.update(b)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });
}
