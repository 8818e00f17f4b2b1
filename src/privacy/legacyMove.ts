/**
 * A store made before the state store existed keeps the audit log, the request register and the retention policies
 * in DuckDB. `moveLegacyPrivacy` moves them, once, into the state store (called by the open-time move of legacy
 * state, src/app/legacy.ts, inside its state transaction):
 *
 * - the audit log: the old unkeyed chain is verified first (links, hashes, the old `audit.head` file), then its
 *   entries are appended again to the keyed chain with their free text masked (the old log kept unmask reasons in
 *   clear) and their own times, and an entry `audit.moved` records how many were moved, the old head and whether the old chain verified —
 *   a broken one is flagged by every later verification, never laundered;
 * - requests keep their ids (audit entries name them) with note and channel masked; policies are upserted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { keyedEntryHash, legacyEntryHash, GENESIS, type AuditRowContent } from '../domain/privacy/auditHash.ts';
import { maskText, maskTextIn } from '../domain/privacy/mask.ts';
import { auditKeyOf, CHAIN_ACTIONS } from './auditRows.ts';
import { anchorOnceCommitted } from './audit.ts';
import type { Anchor } from './auditAnchors.ts';

export interface LegacyMove { audit: number; auditVerified: boolean | null; requests: number; policies: number }

async function hasTable(app: Pick<App, 'warehouse'>, table: string): Promise<boolean> {
  return (await app.warehouse.scalar(`select count(*) from information_schema.tables where table_schema = 'main' and table_name = $t`, { t: table })) > 0;
}

const MOVED = 'legacy_privacy_moved';

/**
 * Moves them once (a marker in state_counters, written in the same transaction), then empties the warehouse's old
 * tables (what a crash left there is emptied at the next open). Call it outside any transaction.
 */
export async function moveLegacyPrivacy(app: Pick<App, 'warehouse' | 'state' | 'dir' | 'keys'>): Promise<LegacyMove> {
  const out: LegacyMove = { audit: 0, auditVerified: null, requests: 0, policies: 0 };
  let head: Anchor | null = null;
  const moved = () => app.state.scalar('select count(*) from state_counters where name = $n', { n: MOVED });
  if (!(await moved())) await app.state.transaction(async () => {
    if (await moved()) return;   // another process moved them meanwhile
    if (await hasTable(app, 'audit_log')) {
      const a = await moveAudit(app);
      Object.assign(out, { audit: a.audit, auditVerified: a.auditVerified });
      head = a.head;
    }
    if (await hasTable(app, 'dsr_requests')) out.requests = await moveRequests(app);
    if (await hasTable(app, 'retention_policies')) out.policies = await movePolicies(app);
    await app.state.run('insert into state_counters (name, value) values ($n, $v)', { n: MOVED, v: Date.now() });
  });
  if (head) anchorOnceCommitted(app, head);
  await emptyOldTables(app);
  return out;
}

/** The warehouse's copies of what was moved (they held free text in clear) are emptied, and that made durable. */
async function emptyOldTables(app: Pick<App, 'warehouse' | 'state'>): Promise<void> {
  let changed = 0;
  for (const t of ['audit_log', 'dsr_requests']) {
    if (await hasTable(app, t) && (await app.warehouse.scalar(`select count(*) from ${t}`)) > 0) changed += await app.warehouse.changes(`delete from ${t}`);
  }
  if (changed) await app.warehouse.checkpoint();
}

type OldRow = AuditRowContent & { prev_hash: string; hash: string };

async function moveAudit(app: Pick<App, 'warehouse' | 'state' | 'dir' | 'keys'>): Promise<Pick<LegacyMove, 'audit' | 'auditVerified'> & { head: Anchor | null }> {
  const rows = (await app.warehouse.all<Record<string, unknown>>(
    `select seq, epoch_ms(logged_at) as at, workspace_id, actor, action, target, detail::varchar as detail, prev_hash, hash from audit_log order by seq`,
  )).map((r): OldRow => ({ seq: Number(r.seq), at: Number(r.at), workspace_id: r.workspace_id === null ? null : Number(r.workspace_id), actor: String(r.actor), action: String(r.action), target: (r.target as string | null) ?? null, detail: (r.detail as string | null) ?? null, prev_hash: String(r.prev_hash), hash: String(r.hash) }));
  if (!rows.length) return { audit: 0, auditVerified: null, head: null };
  const verified = verifyOld(rows, readOldHead(app.dir));
  const key = auditKeyOf(app.keys).key;
  // after whatever the state store's chain already holds (an open that first recorded a recovery), its head locked
  const head = await app.state.get<{ seq: number; hash: string }>('update audit_head set seq = seq where id = 1 returning seq, hash');
  if (!head) throw new Error('moveLegacyPrivacy: the audit log has no head row');
  let prev = head.hash;
  let seq = Number(head.seq);
  const write = async (c: Omit<AuditRowContent, 'seq'>) => {
    const row = { ...c, seq: ++seq };
    const hash = keyedEntryHash(key, prev, row);
    await app.state.run(
      `insert into audit_log (seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash) values ($seq, $at, $ws, $actor, $action, $target, $detail, $prev, $hash)`,
      { seq: row.seq, at: row.at, ws: row.workspace_id, actor: row.actor, action: row.action, target: row.target, detail: row.detail, prev, hash },
    );
    prev = hash;
  };
  for (const r of rows) {
    const detail = r.detail === null ? null : JSON.stringify(maskTextIn(JSON.parse(r.detail)));
    await write({ at: r.at, workspace_id: r.workspace_id, actor: maskText(r.actor), action: r.action, target: r.target === null ? null : maskText(r.target), detail });
  }
  const last = rows[rows.length - 1];
  await write({ at: Date.now(), workspace_id: null, actor: 'system', action: CHAIN_ACTIONS.moved, target: null, detail: JSON.stringify({ entries: rows.length, legacy_head: { seq: last.seq, hash: last.hash }, legacy_verified: verified }) });
  await app.state.run('update audit_head set seq = $s, hash = $h where id = 1', { s: seq, h: prev });
  return { audit: rows.length, auditVerified: verified, head: { seq, hash: prev, at: Date.now() } };
}

/** The old chain as the old `siyu audit verify` checked it: unkeyed hashes, links, numbering and its head file. */
function verifyOld(rows: OldRow[], head: { seq: number; hash: string } | null): boolean {
  let prev = GENESIS;
  for (const [i, r] of rows.entries()) {
    if (r.seq !== i + 1 || r.prev_hash !== prev || legacyEntryHash(r.prev_hash, r) !== r.hash) return false;
    prev = r.hash;
  }
  return !head || rows.find((r) => r.seq === head.seq)?.hash === head.hash;
}

function readOldHead(dir: string): { seq: number; hash: string } | null {
  const f = join(dir, 'audit.head');
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    return { seq: -1, hash: '' };   // unreadable: it cannot vouch for the chain
  }
}

async function moveRequests(app: Pick<App, 'warehouse' | 'state'>): Promise<number> {
  // received_at and due_at were written as UTC; completed_at by current_timestamp, in the server's zone
  const rows = await app.warehouse.all<Record<string, unknown>>(
    `select workspace_id, id, customer_id, kind, status, epoch_ms(received_at) as rec, epoch_ms(due_at) as due, epoch_ms(completed_at::timestamptz) as done,
            channel, note, handled_by, result::varchar as result from dsr_requests order by id`,
  );
  for (const r of rows) {
    await app.state.run(
      `insert into dsr_requests (id, workspace_id, customer_id, kind, status, received_at, due_at, completed_at, channel, note, handled_by, result)
       values ($id, $ws, $c, $k, $s, $rec, $due, $done, $ch, $note, $by, $res) on conflict (id) do nothing`,
      { id: Number(r.id), ws: Number(r.workspace_id), c: r.customer_id === null ? null : Number(r.customer_id), k: r.kind, s: r.status, rec: Number(r.rec), due: Number(r.due),
        done: r.done === null ? null : Number(r.done), ch: r.channel ? maskText(String(r.channel)) : null, note: r.note ? maskText(String(r.note)) : null, by: r.handled_by ? maskText(String(r.handled_by)) : null, res: r.result ?? null },
    );
  }
  if (rows.length && app.state.dialect === 'postgres') await app.state.run(`select setval(pg_get_serial_sequence('dsr_requests', 'id'), (select max(id) from dsr_requests))`);
  return rows.length;
}

async function movePolicies(app: Pick<App, 'warehouse' | 'state'>): Promise<number> {
  const rows = await app.warehouse.all<{ workspace_id: number; data_class: string; keep_days: number | null; description: string | null }>('select workspace_id, data_class, keep_days, description from retention_policies');
  for (const r of rows) {
    await app.state.run(
      `insert into retention_policies (workspace_id, data_class, keep_days, description, updated_at) values ($ws, $c, $d, $desc, $now)
       on conflict (workspace_id, data_class) do update set keep_days = excluded.keep_days, description = excluded.description, updated_at = excluded.updated_at`,
      { ws: Number(r.workspace_id), c: r.data_class, d: r.keep_days === null ? null : Number(r.keep_days), desc: r.description, now: Date.now() },
    );
  }
  return rows.length;
}
