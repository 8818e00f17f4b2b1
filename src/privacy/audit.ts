import { createHash } from 'node:crypto';
import type { Database } from '../store/duckdb/database.ts';

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

/** Appends to the hash-chained audit log: each row's hash covers its content and the previous row's hash. */
export async function audit(db: Database, e: AuditEntry): Promise<void> {
  await db.transaction(async () => {
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
  });
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  problems: { seq: number; problem: 'altered' | 'missing_before' | 'broken_link' }[];
}

/** Recomputes the chain; names every altered row and every gap left by a deleted one. */
export async function verifyAudit(db: Database): Promise<VerifyResult> {
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
  return { ok: problems.length === 0, entries: rows.length, problems };
}
