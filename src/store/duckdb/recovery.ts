/**
 * Opening the warehouse after an unclean shutdown (崩溃恢复). DuckDB's own write-ahead log is never replayed: its
 * replay has open bugs that brick a store (a fresh store's migrations: "Failure while replaying WAL") or corrupt a
 * unique index (a key no lookup finds any more) — both reproduced here on 1.5.5 and 1.5.6. Instead a log left by a
 * process that did not close the store is moved aside and the store opens at its last checkpoint. Nothing
 * acknowledged is lost by that, because every acknowledged warehouse write is either checkpointed before it is
 * acknowledged (imports, identity changes, DSR changes, API writes) or held in Siyu's own log until a checkpoint holds
 * it (collected events: the collector re-applies them from its write-ahead log); derived tables catch up from their
 * watermarks.
 *
 * The log is moved only when no live process holds the store's lock (Linux /proc/locks names the holder of DuckDB's
 * POSIX lock); where that cannot be told, DuckDB is left to do as it does.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WarehouseRecovery {
  /** The log moved aside (its path), left for inspection; the newest few are kept. */
  setAside: string;
  bytes: number;
  /** When the store was last checkpointed (the file's last write), ISO. */
  checkpointAt: string;
}

const KEEP = 2;

/** Before DuckDB opens `file`: a log no live process is writing is set aside (returns what was done), else null. */
export function setAsideUnreplayedLog(file: string, now = new Date()): WarehouseRecovery | null {
  if (file === ':memory:') return null;
  const wal = `${file}.wal`;
  if (!existsSync(wal)) return null;
  const bytes = statSync(wal).size;
  if (bytes === 0 || !existsSync(file)) return null;
  if (heldByLiveProcess(file) !== false) return null;
  const aside = `${wal}.unclean-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(wal, aside);
  prune(file);
  return { setAside: aside, bytes, checkpointAt: statSync(file).mtime.toISOString() };
}

/** Whether another live process holds a POSIX lock on the file: true/false, or null when it cannot be told. */
export function heldByLiveProcess(file: string): boolean | null {
  let locks: string;
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  const st = statSync(file);
  const major = Math.floor(st.dev / 256);
  const minor = st.dev % 256;
  for (const line of locks.split('\n')) {
    const m = /^\d+:\s+(?:->\s+)?(?:POSIX|OFDLCK|FLOCK)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (!m || Number(m[4]) !== st.ino || parseInt(m[2], 16) !== major || parseInt(m[3], 16) !== minor) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) return true;
    if (pid > 0 && alive(pid)) return true;
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps the newest set-aside logs of a store. */
function prune(file: string): void {
  const dir = dirname(file);
  const prefix = `${basename(file)}.wal.unclean-`;
  const old = readdirSync(dir).filter((f) => f.startsWith(prefix)).sort().reverse().slice(KEEP);
  for (const f of old) rmSync(join(dir, f), { force: true });
}
