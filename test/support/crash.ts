/**
 * For the crash-matrix tests: run a `siyu` command or server as a child, kill it with SIGKILL at a chosen moment, and
 * check what must hold of any store afterwards (it opens; the audit chain verifies; every unique key is found by a
 * lookup exactly as a scan finds it; the identity graph and the consent copy are consistent).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { openApp, type App } from '../../src/app/context.ts';

export const bin = join(import.meta.dirname, '..', '..', 'bin', 'siyu.mjs');

/** A seeded generator (mulberry32): the same seed gives the same kill moments. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CRASH_SEED = Number(process.env.SIYU_CRASH_SEED ?? 20261207);

export function siyuSync(dir: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, SIYU_JOBS: 'off', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function siyuOk(dir: string, args: string[], env: Record<string, string> = {}): string {
  const r = siyuSync(dir, args, env);
  assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface Run { child: ChildProcess; exited: Promise<number | null>; stdout: () => string; stderr: () => string }

export function siyuChild(dir: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, SIYU_JOBS: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (err = (err + b).slice(-20_000)));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, exited, stdout: () => out, stderr: () => err };
}

/** Runs a command to its end and returns how long it took (ms): the window the kills are drawn from. */
export async function timed(dir: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const t0 = Date.now();
  const r = siyuChild(dir, args, env);
  assert.equal(await r.exited, 0, `siyu ${args.join(' ')} failed`);
  return Date.now() - t0;
}

/** Runs a command and kills it after `ms` unless it ended first; true when it was killed. */
export async function killAfter(dir: string, args: string[], ms: number, env: Record<string, string> = {}): Promise<boolean> {
  const r = siyuChild(dir, args, env);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), ms);
  const code = await r.exited;
  clearTimeout(timer);
  return code === null;
}

function lockHolders(): string {
  try {
    return readFileSync('/proc/locks', 'utf8').split('\n').map((l) => l.split(/\s+/)[4]).filter(Boolean).join(',');
  } catch {
    return '?';
  }
}

/** What must hold of any store after any crash. */
export async function assertStoreSound(dir: string, what: string): Promise<void> {
  const stats = siyuSync(dir, ['stats', '--json']);
  assert.equal(stats.status, 0, `${what}: the store does not open: ${stats.stderr} (this process: ${process.pid}; locks: ${lockHolders()})`);
  const audit = siyuSync(dir, ['audit', 'verify', '--json']);
  assert.equal(audit.status, 0, `${what}: siyu audit verify: ${audit.stderr}${audit.stdout}`);
  assert.equal(JSON.parse(audit.stdout).ok, true, `${what}: the audit chain does not verify: ${audit.stdout}`);
  const app = await openApp({ dir, notice: () => undefined });
  try {
    await assertKeysFound(app, what);
    await assertIdentitySound(app, what);
    await assertConsentCopy(app, what);
  } finally {
    await app.close();
  }
}

/** For every primary or unique key of the warehouse: a lookup by the key finds exactly what a scan finds. */
async function assertKeysFound(app: App, what: string): Promise<void> {
  const keys = await app.warehouse.all<{ t: string; cols: string[] }>(
    `select table_name as t, constraint_column_names as cols from duckdb_constraints() where constraint_type in ('PRIMARY KEY', 'UNIQUE') and schema_name = 'main'`,
  );
  for (const k of keys) {
    const cols = (k.cols as unknown as string[]).map((c) => `"${c}"`);
    const rows = await app.warehouse.all(`select ${cols.join(', ')}, count(*) as n from "${k.t}" group by all`);
    for (const r of rows.slice(0, 200)) {
      assert.equal(Number(r.n), 1, `${what}: ${k.t} holds key ${JSON.stringify(r)} more than once`);
      const where = cols.map((c, i) => (r[(k.cols as unknown as string[])[i]] === null ? `${c} is null` : `${c} = $p${i}`)).join(' and ');
      const params = Object.fromEntries((k.cols as unknown as string[]).map((c, i) => [`p${i}`, r[c]]).filter(([, v]) => v !== null));
      const found = await app.warehouse.scalar(`select count(*) from "${k.t}" where ${where}`, params);
      assert.equal(found, 1, `${what}: a lookup of ${k.t} by ${JSON.stringify(r)} finds ${found} rows; the scan finds 1`);
    }
  }
}

async function assertIdentitySound(app: App, what: string): Promise<void> {
  const w = app.warehouse;
  assert.equal(await w.scalar(`select count(*) from customer_identifiers i where not exists (select 1 from customers c where c.id = i.customer_id)`), 0, `${what}: an identifier without its customer`);
  assert.equal(await w.scalar(`select count(*) from (select id_type, namespace, id_hash from customer_identifiers group by all having count(*) > 1)`), 0, `${what}: an identifier held twice`);
  assert.equal(await w.scalar(`select count(*) from customers c where c.status = 'merged' and not exists (select 1 from customers s where s.id = c.merged_into)`), 0, `${what}: a merged customer whose survivor is missing`);
  assert.equal(await w.scalar(`select count(*) from customers c where c.status = 'merged' and c.id not in (select merged_id from identity_merges where unmerged_at is null)`), 0, `${what}: a merged customer without its merge`);
}

/** The warehouse's consent copy holds exactly the ledger's entries, each with the customer standing for its subject. */
async function assertConsentCopy(app: App, what: string): Promise<void> {
  const ledger = await app.state.all<{ id: number; status: string; subject_id: number }>(`select id, status, subject_id from consents order by id`);
  const copy = await app.warehouse.all<{ id: number; status: string; subject_id: number }>('select id, status, subject_id from consents order by id');
  assert.deepEqual(copy.map((c) => [Number(c.id), c.status, Number(c.subject_id)]), ledger.map((c) => [Number(c.id), c.status, Number(c.subject_id)]), `${what}: the consent copy differs from the ledger`);
  const stale = await app.warehouse.scalar(`select count(*) from consents k join customers c on c.id = k.customer_id where c.status = 'merged'`);
  assert.equal(stale, 0, `${what}: a consent copied onto a merged customer instead of its survivor`);
}
