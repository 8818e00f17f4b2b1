/**
 * Verification of the audit chain (审计日志校验): every entry's keyed hash is recomputed and its link to the one
 * before checked; the head row must exist and name the last entry; every anchor kept outside the store
 * (audit.anchors) must name an entry that is in the chain with that hash. So altering or removing an entry, deleting
 * the newest ones (with or without the head), or recomputing the chain without the key — all fail. Entries hashed
 * without a key pass only at the start of a chain whose keyring was given its audit key later (`legacy`), before
 * the first keyed entry.
 */
import type { App } from '../app/context.ts';
import { keyedEntryHash, legacyEntryHash, GENESIS } from '../domain/privacy/auditHash.ts';
import { auditKeyOf, contentOf, CHAIN_ACTIONS, ROW_COLUMNS, type StoredRow } from './auditRows.ts';
import { readAnchors } from './auditAnchors.ts';

export type AuditProblem =
  | 'altered'            // the content does not match its keyed hash (changed, or the chain recomputed without the key)
  | 'missing_before'     // entries before this one were deleted
  | 'broken_link'        // it does not link to the entry before
  | 'missing_after'      // the head or an anchor names entries past the last one: the newest were deleted
  | 'head_missing'       // the head row was deleted
  | 'head_mismatch'      // the head row does not name the last entry
  | 'head_restored'      // an append found the head row deleted and rebuilt it (recorded in the chain)
  | 'anchor_mismatch'    // the entry differs from the one anchored outside the store: the table was rewritten
  | 'legacy_broken'      // the log moved from a store of before the state store did not verify when it was moved
  | 'anchors_unreadable'; // lines of audit.anchors are not anchors (edited)

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** entries whose (seq, hash) an anchor outside the store confirms */
  anchored: number;
  problems: { seq: number; problem: AuditProblem }[];
}

const PAGE = 5_000;

export async function verifyAudit(app: Pick<App, 'state' | 'dir' | 'keys'>): Promise<VerifyResult> {
  const key = auditKeyOf(app.keys);
  const { anchors, unreadable } = readAnchors(app.dir);
  const problems: VerifyResult['problems'] = [];
  if (unreadable.length) problems.push({ seq: 0, problem: 'anchors_unreadable' });
  const head = await app.state.get<{ seq: number; hash: string }>('select seq, hash from audit_head where id = 1');
  let prev = GENESIS;
  let expect = 1;
  let keyedSeen = false;
  let entries = 0;
  let anchored = 0;
  let last = { seq: 0, hash: GENESIS };
  for (let after = 0; ;) {
    const rows = await app.state.all<StoredRow>(`select ${ROW_COLUMNS} from audit_log where seq > $after order by seq limit ${PAGE}`, { after });
    for (const r of rows) {
      const seq = Number(r.seq);
      const content = contentOf(r);
      if (seq !== expect) problems.push({ seq, problem: 'missing_before' });
      if (r.prev_hash !== prev) problems.push({ seq, problem: 'broken_link' });
      const keyed = keyedEntryHash(key.key, r.prev_hash, content) === r.hash;
      if (keyed) keyedSeen = true;
      else if (!(key.legacy && !keyedSeen && legacyEntryHash(r.prev_hash, content) === r.hash)) problems.push({ seq, problem: 'altered' });
      if (keyed && r.action === CHAIN_ACTIONS.headRestored) problems.push({ seq, problem: 'head_restored' });
      if (keyed && r.action === CHAIN_ACTIONS.moved && r.detail && JSON.parse(r.detail).legacy_verified === false) problems.push({ seq, problem: 'legacy_broken' });
      const a = anchors.get(seq);
      if (a) {
        if (a.size === 1 && a.has(r.hash)) anchored++;
        else problems.push({ seq, problem: 'anchor_mismatch' });
      }
      prev = r.hash;
      expect = seq + 1;
      last = { seq, hash: r.hash };
      entries++;
    }
    if (rows.length < PAGE) break;
    after = last.seq;
  }
  const anchoredPast = [...anchors.keys()].some((s) => s > last.seq);
  if (!head) problems.push({ seq: last.seq, problem: 'head_missing' });
  if ((head && Number(head.seq) > last.seq) || anchoredPast) problems.push({ seq: last.seq + 1, problem: 'missing_after' });
  else if (head && (Number(head.seq) !== last.seq || head.hash !== last.hash)) problems.push({ seq: Number(head.seq), problem: 'head_mismatch' });
  return { ok: problems.length === 0, entries, anchored, problems };
}
