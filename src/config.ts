import { resolve, join } from 'node:path';
import { isIP } from 'node:net';
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

/**
 * `SIYU_TRUST_PROXY`: whether the server believes `X-Forwarded-For/-Proto/-Host` (set it when a reverse proxy that
 * terminates HTTPS stands in front): unset or `false` — no (the default; the client address is the socket's);
 * `true` — from any hop; or a comma-separated list of proxy addresses or CIDR ranges (`127.0.0.1,10.0.0.0/8`).
 * Trusted, `X-Forwarded-Proto: https` makes the session cookie `Secure`, and the client address counted by the
 * login throttle is the forwarded one.
 */
export function trustProxy(env: NodeJS.ProcessEnv = process.env): boolean | string {
  const v = env.SIYU_TRUST_PROXY?.trim();
  if (!v || /^(0|false|no|off)$/i.test(v)) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    const [addr, bits, extra] = p.split('/');
    const kind = isIP(addr);
    const maxBits = kind === 6 ? 128 : 32;
    if (!kind || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new UserError('bad_trust_proxy', `SIYU_TRUST_PROXY: '${p}' is not an address or CIDR range (use true, false or e.g. 127.0.0.1,10.0.0.0/8).`,
        `SIYU_TRUST_PROXY：'${p}' 不是地址或 CIDR 网段（可用 true、false 或如 127.0.0.1,10.0.0.0/8）。`);
    }
  }
  return parts.join(',');
}

/** `SIYU_LOG_HEALTH=1` logs the requests to /healthz too (quiet by default: load balancers ask every few seconds). */
export function logHealthChecks(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env.SIYU_LOG_HEALTH?.trim() ?? '');
}
