import { resolve, join } from 'node:path';
import { UserError } from './errors.ts';

/** Where Siyu keeps its store, keyring and working files; `SIYU_DATA_DIR` moves it (default ./data). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIYU_DATA_DIR || 'data');
}

export const paths = {
  database: (dir: string) => join(dir, 'siyu.duckdb'),
  state: (dir: string) => join(dir, 'siyu-state.db'),
  keyring: (dir: string) => join(dir, 'keyring.json'),
  serverLock: (dir: string) => join(dir, 'server.json'),
  quarantine: (dir: string) => join(dir, 'quarantine'),
  wal: (dir: string) => join(dir, 'wal'),
  logs: (dir: string) => join(dir, 'logs'),
  reports: (dir: string) => join(dir, 'reports'),
  /** The audit chain's anchors (src/privacy/auditAnchors.ts): one line per append, outside the state store. */
  auditAnchors: (dir: string) => join(dir, 'audit.anchors'),
  exports: (dir: string) => join(dir, 'exports'),
};

/**
 * Where the state store lives: `SIYU_STATE_URL` (a PostgreSQL URL, `postgresql://…` or `postgres://…`; a Unix-socket
 * host allowed as `?host=/path`) puts it on that server; unset, it is the SQLite file beside the warehouse.
 */
export function stateUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.SIYU_STATE_URL?.trim();
  return url ? url : null;
}

/** `SIYU_KEYRING`: the keyring itself (its JSON, base64-encoded) instead of the file beside the store; null when unset. */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.SIYU_KEYRING || null;
}

/**
 * `SIYU_AUDIT_ANCHOR_URL`: an external sink (an http(s) URL outside this machine's reach: a WORM store, a log
 * service) to which every audit anchor (seq, hash) is also POSTed as JSON; unset: none.
 */
export function auditAnchorUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.SIYU_AUDIT_ANCHOR_URL?.trim();
  if (!url) return null;
  if (!/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new UserError('bad_anchor_url', 'SIYU_AUDIT_ANCHOR_URL must be an http:// or https:// URL.', 'SIYU_AUDIT_ANCHOR_URL 必须是 http:// 或 https:// 地址。');
  }
  return url;
}

/** Times are stored in UTC and shown in the workspace's zone; Asia/Shanghai by default. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_WORKSPACE = 1;

/**
 * The collector's operating limits, from the environment: `SIYU_COLLECT_MEMORY_MB`, logged text the loader holds in
 * memory (default 64; a longer backlog is read back from the log), and `SIYU_COLLECT_MAX_BACKLOG`, events waiting
 * to be loaded past which the API answers 429 (default 2,000,000). A value that is not a positive number is ignored.
 */
export function collectLimits(env: NodeJS.ProcessEnv = process.env): { memoryBytes?: number; maxBacklog?: number } {
  const positive = (v: string | undefined) => (v && Number(v) > 0 ? Number(v) : undefined);
  const mb = positive(env.SIYU_COLLECT_MEMORY_MB);
  return { memoryBytes: mb && Math.round(mb * 1024 * 1024), maxBacklog: positive(env.SIYU_COLLECT_MAX_BACKLOG) };
}
