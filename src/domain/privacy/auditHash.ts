/**
 * The audit chain's row hashes (审计链哈希), pure. A row's hash covers its content and the previous row's hash:
 * HMAC-SHA256 under the keyring's audit key over a JSON array of the fields (unambiguous whatever they hold), so the
 * chain cannot be recomputed by someone who can write the store but does not hold the key. Rows written before the
 * chain was keyed carry the unkeyed SHA-256 of the fields joined by U+001F (`legacyEntryHash`); they stay verifiable.
 */
import { createHash, createHmac } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export interface AuditRowContent {
  seq: number;
  /** epoch milliseconds */
  at: number;
  workspace_id: number | null;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export function keyedEntryHash(key: Buffer, prev: string, r: AuditRowContent): string {
  const fields = ['siyu-audit-v2', prev, r.seq, r.at, r.workspace_id, r.actor, r.action, r.target, r.detail];
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}

/** The hash of a row written before the chain was keyed (time as ISO with milliseconds, detail as normalised JSON). */
export function legacyEntryHash(prev: string, r: AuditRowContent): string {
  let detail = r.detail ?? '';
  try {
    if (r.detail !== null) detail = JSON.stringify(JSON.parse(r.detail));
  } catch {
    /* not JSON: as stored */
  }
  return createHash('sha256')
    .update([prev, r.seq, new Date(r.at).toISOString(), r.workspace_id ?? '', r.actor, r.action, r.target ?? '', detail].join('\u001f'))
    .digest('hex');
}
