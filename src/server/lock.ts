import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { paths } from '../config.ts';

/** `server.json` beside the store says a server holds it: its pid, port and a token for forwarded commands. */
export interface ServerLock {
  pid: number;
  port: number;
  host: string;
  token: string;
}

export function writeLock(dir: string, port: number, host: string): ServerLock {
  const lock = { pid: process.pid, port, host, token: randomBytes(24).toString('hex') };
  writeFileSync(paths.serverLock(dir), JSON.stringify(lock), { mode: 0o600 });
  return lock;
}

export function removeLock(dir: string, lock: ServerLock): void {
  const current = readLock(dir);
  if (current && current.token === lock.token) rmSync(paths.serverLock(dir), { force: true });
}

export function readLock(dir: string): ServerLock | null {
  const f = paths.serverLock(dir);
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as ServerLock;
  } catch {
    return null;
  }
}

/** The lock of a server that is alive, or null (a stale lock from a killed server is ignored). */
export function liveLock(dir: string): ServerLock | null {
  const lock = readLock(dir);
  if (!lock) return null;
  try {
    process.kill(lock.pid, 0);
    return lock;
  } catch {
    return null;
  }
}
