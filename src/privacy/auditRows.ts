/** The audit log's stored rows as the chain hashes them, shared by appending and verifying. */
import type { AuditKey, Keys } from '../domain/privacy/cipher.ts';
import type { AuditRowContent } from '../domain/privacy/auditHash.ts';

/**
 * Written by the log itself: the chain became keyed (after unkeyed entries), its head row had been removed, or the
 * log of a store from before the state store was moved into it (src/privacy/legacyMove.ts).
 */
export const CHAIN_ACTIONS = { keyed: 'audit.keyed', headRestored: 'audit.head_restored', moved: 'audit.moved' } as const;

export function auditKeyOf(keys: Keys): AuditKey {
  if (!keys.audit) throw new Error('the keyring holds no audit key');
  return keys.audit;
}

export type StoredRow = { seq: number; logged_at: number; workspace_id: number | null; actor: string; action: string; target: string | null; detail: string | null; prev_hash: string; hash: string };
export const ROW_COLUMNS = 'seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash';

export function contentOf(r: StoredRow): AuditRowContent {
  return { seq: Number(r.seq), at: Number(r.logged_at), workspace_id: r.workspace_id === null ? null : Number(r.workspace_id), actor: r.actor, action: r.action, target: r.target, detail: r.detail };
}
