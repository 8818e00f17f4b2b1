/**
 * The audit log (审计日志) on the state store: append-only and chained — each row's hash is an HMAC-SHA256 under the
 * keyring's audit key over its content and the previous row's hash (src/domain/privacy/auditHash.ts), so no row can
 * be altered, removed or the chain recomputed without the key, which never enters a store. `audit_head` holds the
 * chain's head: an append locks it (an update in place) in the same transaction as its insert, so appends from every
 * connection, process and node form one chain. Each append's (seq, hash) is then anchored outside the store
 * (auditAnchors.ts). Free text is masked first (phones, e-mails): the log keeps no clear PII.
 *
 *   await app.audit({ actor: '', action: 'pii.unmask', target: 'customer:42', detail: { fields: ['phone'], reason } });
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { App } from '../app/context.ts';
import type { AuditKey } from '../domain/privacy/cipher.ts';
import { keyedEntryHash, GENESIS, type AuditRowContent } from '../domain/privacy/auditHash.ts';
import { maskText, maskTextIn } from '../domain/privacy/mask.ts';
import type { StateStore } from '../store/interfaces.ts';
import { appendAnchor, type Anchor } from './auditAnchors.ts';
import { auditKeyOf, contentOf, CHAIN_ACTIONS, ROW_COLUMNS, type StoredRow } from './auditRows.ts';

export { verifyAudit, type VerifyResult } from './auditVerify.ts';

export interface AuditEntry {
  actor: string;
  action: string;            // e.g. pii.read, pii.unmask, export, erase, login, import, keys.rotate, retention.purge
  target?: string;
  detail?: Record<string, unknown>;
  workspaceId?: number;
}

/** What the audit log needs of an App: the state store, the data directory (anchors) and the keyring. */
export type AuditLog = Pick<App, 'state' | 'dir' | 'keys'>;

/** A context outside every transaction (taken at load), for reading what another transaction has committed. */
const outside = AsyncLocalStorage.snapshot();

/** Appends one entry. Inside a caller's transaction it joins it, and is anchored once that has committed. */
export async function audit(log: AuditLog, e: AuditEntry): Promise<void> {
  const key = auditKeyOf(log.keys);
  const row = scrubbed(e);
  // Both stores run a nested transaction's body at once, in the call; a transaction of our own starts later.
  let calling = true;
  let nested = false;
  const appended = log.state.transaction(async () => {
    nested = calling;
    return appendEntry(log.state, key, row);
  });
  calling = false;
  const head = await appended;
  if (nested) return anchorOnceCommitted(log, head);
  appendAnchor(log.dir, head);
  if (pending.has(log.dir)) outside(() => void confirmPending(log));
}

/** The entry as stored: phones and e-mails in every free-text field masked, as imports mask them. */
function scrubbed(e: AuditEntry): Omit<AuditRowContent, 'seq' | 'at'> {
  const detail = e.detail ? maskTextIn(JSON.parse(JSON.stringify(e.detail)) as Record<string, unknown>) : null;
  return {
    workspace_id: e.workspaceId ?? null,
    actor: maskText(e.actor),
    action: e.action,
    target: e.target === undefined || e.target === null ? null : maskText(e.target),
    detail: detail ? JSON.stringify(detail) : null,
  };
}

async function appendEntry(state: StateStore, key: AuditKey, row: Omit<AuditRowContent, 'seq' | 'at'>): Promise<Anchor> {
  let head = await takeSeq(state);
  if (!head) {
    // The head row was removed: rebuilt from the last entry, and the chain says so (verification flags it for good).
    const last = await state.get<{ seq: number; hash: string }>('select seq, hash from audit_log order by seq desc limit 1');
    await state.run('insert into audit_head (id, seq, hash) values (1, $s, $h)', { s: Number(last?.seq ?? 0) + 1, h: last?.hash ?? GENESIS });
    await insertRow(state, key, { seq: Number(last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS }, system(CHAIN_ACTIONS.headRestored, { after_seq: Number(last?.seq ?? 0) }));
    head = (await takeSeq(state))!;
  }
  if (key.legacy && head.seq > 1 && !(await isKeyed(state, key, head.seq - 1))) {
    // A keyring given its audit key after unkeyed entries were written: the first keyed entry records the switch.
    await insertRow(state, key, head, system(CHAIN_ACTIONS.keyed, { unkeyed_entries: head.seq - 1 }));
    head = (await takeSeq(state))!;
  }
  return insertRow(state, key, head, row);
}

const system = (action: string, detail: Record<string, unknown>) => ({ workspace_id: null, actor: 'system', action, target: null, detail: JSON.stringify(detail) });

/** Locks the head and takes the next number; returns it with the previous entry's hash (null: no head row). */
async function takeSeq(state: StateStore): Promise<{ seq: number; prev: string } | null> {
  const h = await state.get<{ seq: number; hash: string }>('update audit_head set seq = seq + 1 where id = 1 returning seq, hash');
  return h ? { seq: Number(h.seq), prev: h.hash } : null;
}

async function insertRow(state: StateStore, key: AuditKey, at: { seq: number; prev: string }, row: Omit<AuditRowContent, 'seq' | 'at'>): Promise<Anchor> {
  const content: AuditRowContent = { ...row, seq: at.seq, at: Date.now() };
  const hash = keyedEntryHash(key.key, at.prev, content);
  await state.run(
    `insert into audit_log (seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash)
     values ($seq, $at, $ws, $actor, $action, $target, $detail, $prev, $hash)`,
    { seq: content.seq, at: content.at, ws: content.workspace_id, actor: content.actor, action: content.action, target: content.target, detail: content.detail, prev: at.prev, hash },
  );
  await state.run('update audit_head set hash = $h where id = 1', { h: hash });
  return { seq: content.seq, hash, at: content.at };
}

async function isKeyed(state: StateStore, key: AuditKey, seq: number): Promise<boolean> {
  const r = await state.get<StoredRow>(`select ${ROW_COLUMNS} from audit_log where seq = $s`, { s: seq });
  return !!r && keyedEntryHash(key.key, r.prev_hash, contentOf(r)) === r.hash;
}

/**
 * An entry appended inside a caller's transaction is anchored only once it is committed (a rolled-back entry must
 * never be anchored): read from outside every transaction, which on the embedded store waits for the caller's to
 * end. Entries not yet visible are tried again after the next append.
 */
const pending = new Map<string, Anchor[]>();

export function anchorOnceCommitted(log: AuditLog, head: Anchor): void {
  const list = pending.get(log.dir) ?? [];
  list.push(head);
  pending.set(log.dir, list);
  outside(() => {
    void confirmPending(log);
  });
}

async function confirmPending(log: AuditLog): Promise<void> {
  const list = pending.get(log.dir);
  if (!list?.length) return;
  pending.delete(log.dir);
  const keep: Anchor[] = [];
  for (const a of list) {
    try {
      const r = await log.state.get<{ hash: string }>('select hash from audit_log where seq = $s', { s: a.seq });
      if (r?.hash === a.hash) appendAnchor(log.dir, a);
      else if (!r && keep.length < 1000) keep.push(a);   // not visible yet (its transaction is still open) or rolled back
    } catch {
      return;   // the store is closing
    }
  }
  if (keep.length) pending.set(log.dir, [...keep, ...(pending.get(log.dir) ?? [])]);
}

export interface AuditListRow { seq: number; at: string; actor: string; action: string; target: string | null; detail: string | null }

/** The latest entries, newest first; `action` keeps those whose action starts with it. */
export async function listAudit(app: Pick<App, 'state'>, f: { action?: string; limit?: number } = {}): Promise<AuditListRow[]> {
  const rows = await app.state.all<StoredRow>(
    `select ${ROW_COLUMNS} from audit_log
     where cast($p as text) is null or substr(action, 1, length(cast($p as text))) = cast($p as text)
     order by seq desc limit $n`,
    { p: f.action ?? null, n: Math.max(1, Math.min(10_000, Math.trunc(f.limit ?? 100))) },
  );
  return rows.map((r) => ({ seq: Number(r.seq), at: new Date(Number(r.logged_at)).toISOString().replace(/\.\d{3}Z$/, 'Z'), actor: r.actor, action: r.action, target: r.target, detail: r.detail }));
}
