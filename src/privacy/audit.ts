import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Warehouse } from '../store/interfaces.ts';

export interface AuditEntry {
  actor: string;
  action: string;            // e.g. pii.read, pii.unmask, export, erase, login, import, keys.rotate, retention.purge
  target?: string;
  detail?: Record<string, unknown>;
  workspaceId?: number;
}

const GENESIS = '0'.repeat(64);

function entryHash(prev: string, seq: number, at: string, e: { workspace_id: number | null; actor: string; action: string; target: string | null; detail: string | null }): string {
  return createHash('sha256')
    .update([prev, seq, at, e.workspace_id ?? '', e.actor, e.action, e.target ?? '', e.detail ?? ''].join('\u001f'))
    .digest('hex');
}

/**
 * The chain's head (last seq and hash) is also kept in `audit.head` beside the store, so that deleting the
 * newest entries — which leaves a shorter but internally valid chain — is caught too.
 */
function headFile(dbFile: string): string | null {
  return dbFile === ':memory:' ? null : join(dirname(dbFile), 'audit.head');
}

function writeHead(dbFile: string, head: { seq: number; hash: string }): void {
  const f = headFile(dbFile);
  if (f) writeFileSync(f, JSON.stringify(head), { mode: 0o600 });
}

function readHead(dbFile: string): { seq: number; hash: string } | null {
  const f = headFile(dbFile);
  if (!f || !existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    return null;
  }
}

/** Appends are serialised per store file inside this process, so connections forked by the server never race. */
const queues = new Map<string, Promise<unknown>>();

/** Appends to the hash-chained audit log: each row's hash covers its content and the previous row's hash. */
export async function audit(db: Warehouse, e: AuditEntry): Promise<void> {
  const prior = queues.get(db.file) ?? Promise.resolve();
  const next = prior.catch(() => undefined).then(async () => {
    const head = await append(db, e);
    // Inside a caller's transaction the row may still roll back: the next top-level append records the head.
    const nested = db.inTransaction;
    if (!nested) writeHead(db.file, head);
  });
  queues.set(db.file, next);
  try {
    await next;
  } finally {
    if (queues.get(db.file) === next) queues.delete(db.file);
  }
}

async function append(db: Warehouse, e: AuditEntry): Promise<{ seq: number; hash: string }> {
  return db.transaction(async () => {
    const last = await db.get<{ seq: number; hash: string }>('select seq, hash from audit_log order by seq desc limit 1');
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.hash ?? GENESIS;
    const at = new Date().toISOString();
    const detail = e.detail ? JSON.stringify(e.detail) : null;
    const row = { workspace_id: e.workspaceId ?? null, actor: e.actor, action: e.action, target: e.target ?? null, detail };
    const hash = entryHash(prev, seq, at, row);
    await db.run(
      `insert into audit_log (seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash)
       values ($seq, $at::timestamp, $ws, $actor, $action, $target, $detail::json, $prev, $hash)`,
      { seq, at: at.replace('T', ' ').replace('Z', ''), ws: row.workspace_id, actor: row.actor, action: row.action, target: row.target, detail, prev, hash },
    );
    return { seq, hash };
  });
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  problems: { seq: number; problem: 'altered' | 'missing_before' | 'broken_link' | 'missing_after' | 'head_mismatch' }[];
}

/** Recomputes the chain; names every altered row and every gap left by a deleted one. */
export async function verifyAudit(db: Warehouse): Promise<VerifyResult> {
  const rows = await db.all<{ seq: number; at: string; workspace_id: number | null; actor: string; action: string; target: string | null; detail: string | null; prev_hash: string; hash: string }>(
    `select seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' as at, workspace_id, actor, action, target, detail::varchar as detail, prev_hash, hash from audit_log order by seq`,
  );
  const problems: VerifyResult['problems'] = [];
  let prev = GENESIS;
  let expectSeq = 1;
  for (const r of rows) {
    if (r.seq !== expectSeq) problems.push({ seq: r.seq, problem: 'missing_before' });
    if (r.prev_hash !== prev) problems.push({ seq: r.seq, problem: 'broken_link' });
    const detail = r.detail === null ? null : JSON.stringify(JSON.parse(r.detail));
    if (entryHash(r.prev_hash, r.seq, r.at, { ...r, detail }) !== r.hash) problems.push({ seq: r.seq, problem: 'altered' });
    prev = r.hash;
    expectSeq = r.seq + 1;
  }
  const head = readHead(db.file);
  if (head) {
    const last = rows.length ? rows[rows.length - 1].seq : 0;
    if (head.seq > last) problems.push({ seq: last + 1, problem: 'missing_after' });
    else if (rows.find((r) => r.seq === head.seq)?.hash !== head.hash) problems.push({ seq: head.seq, problem: 'head_mismatch' });
  }
  return { ok: problems.length === 0, entries: rows.length, problems };
}
