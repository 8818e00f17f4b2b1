import { mkdtempSync, rmSync, statfsSync, existsSync, readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { tmpdir } from 'node:os';
import type { Warehouse } from './interfaces.ts';
import { UserError } from '../errors.ts';

/** statfs magic numbers of the memory-backed file systems (linux/magic.h). */
const MEMORY_FS = new Set([0x01021994 /* tmpfs */, 0x858458f6 /* ramfs */]);
const PREFIX = 'siyu-spill-';

export interface ScratchChoice {
  /** Private (0700) directory created for this process. */
  dir: string;
  /** True when it is on a memory-backed file system: what DuckDB spills there never reaches a disk. */
  inMemory: boolean;
}

/**
 * Where DuckDB may spill while plaintext is staged (an import's raw rows and normalised identifiers, 临时溢出目录):
 * never the data directory, which holds no plaintext PII. `SIYU_SCRATCH_DIR` names the parent (say an encrypted
 * volume); otherwise the first memory-backed file system (`/dev/shm`, `$XDG_RUNTIME_DIR`) with `minFree` bytes
 * available, else the OS temp directory. The chosen parent gets a private directory of its own.
 */
export function chooseScratch(minFree: number, env: NodeJS.ProcessEnv = process.env, candidates = memoryParents(env)): ScratchChoice {
  const make = (parent: string, inMemory: boolean) => ({ dir: mkdtempSync(join(parent, `${PREFIX}${process.pid}-`)), inMemory });
  if (env.SIYU_SCRATCH_DIR) {
    if (!existsSync(env.SIYU_SCRATCH_DIR)) {
      throw new UserError('scratch_dir_missing', `SIYU_SCRATCH_DIR=${env.SIYU_SCRATCH_DIR} does not exist: create it (0700) or unset it.`, `SIYU_SCRATCH_DIR=${env.SIYU_SCRATCH_DIR} 不存在：请先创建（权限 0700）或取消该设置。`);
    }
    return make(env.SIYU_SCRATCH_DIR, isMemoryBacked(env.SIYU_SCRATCH_DIR));
  }
  for (const c of candidates) {
    const room = memoryRoom(c);
    if (room !== null && room >= minFree) return make(c, true);
  }
  return make(tmpdir(), isMemoryBacked(tmpdir()));
}

/** The memory-backed file systems a scratch root may go on. */
function memoryParents(env: NodeJS.ProcessEnv): string[] {
  return ['/dev/shm', env.XDG_RUNTIME_DIR ?? ''].filter(Boolean);
}

/** Bytes available on `dir` when it is on a memory-backed file system; null when it is not (or cannot be read). */
function memoryRoom(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return MEMORY_FS.has(s.type) ? s.bavail * s.bsize : null;
  } catch {
    return null;
  }
}

function isMemoryBacked(dir: string): boolean {
  return memoryRoom(dir) !== null;
}

let root: ScratchChoice | null = null;

/**
 * This process's scratch root (chosen on first use with `minFree`, removed when the process exits): working copies
 * of plaintext — transcoded or unpacked import files, DuckDB's spill files — go in directories of their own inside
 * it, never in the data directory.
 */
export function scratchRoot(minFree: number): ScratchChoice {
  if (!root) {
    removeStale();
    const chosen = chooseScratch(minFree);
    process.once('exit', () => rmSync(chosen.dir, { recursive: true, force: true }));
    root = chosen;
  }
  return root;
}

/**
 * Points the store's spill files at a directory of its own in the scratch root, for the rest of this process
 * (DuckDB cannot move them once it has spilled, so this is done before the first large statement; and it names
 * its spill files the same in every instance, so each store needs its own directory). When DuckDB has already
 * spilled elsewhere it keeps that directory.
 */
export async function spillToScratch(db: Warehouse, minFree: number): Promise<void> {
  const current = (await db.get<{ t: string }>(`select current_setting('temp_directory') as t`))?.t ?? '';
  const r = scratchRoot(minFree);
  if (current.startsWith(r.dir + sep)) return;
  const dir = mkdtempSync(join(r.dir, 'db-'));
  try {
    await db.run(`set temp_directory = '${dir.replace(/'/g, "''")}'`);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Scratch directories left by a process that was killed (`siyu-spill-<pid>-…` whose pid no longer runs) are removed. */
function removeStale(): void {
  for (const parent of [...memoryParents(process.env), tmpdir(), process.env.SIYU_SCRATCH_DIR ?? ''].filter(Boolean)) {
    let names: string[];
    try {
      names = readdirSync(parent).filter((n) => n.startsWith(PREFIX));
    } catch {
      continue;
    }
    for (const n of names) {
      const pid = Number(n.slice(PREFIX.length).split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && !running(pid)) rmSync(join(parent, n), { recursive: true, force: true });
    }
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
