import type { App } from '../app/context.ts';
import type { Entity } from '../ingest/canonical.ts';
import { GOOD } from '../ingest/write/sql.ts';
import { eventColumns } from '../ingest/write/reference.ts';
import { MOVABLE } from './merges.ts';

/**
 * Facts that arrive AFTER a merge through one of the merged customer's identifiers (到达归属): the writer gives them to
 * the survivor, which holds that identifier now, and they are recorded as moves of the merge, so that undoing it gives
 * them back with the rest. (A consent arriving so is recorded with the merged customer as its subject: the ledger's
 * own rule, src/ingest/write/reference.ts.)
 * Expects the batch's `<p>_rows`, `<p>_rc(_row, customer_id, via)` and `<p>_ids`, after the entity's writer ran.
 */
export async function recordArrivals(app: App, p: string, entity: Entity, present: Set<string>): Promise<void> {
  const fact = FACTS[entity];
  if (!fact) return;
  const db = app.warehouse;
  const ws = app.workspaceId;
  if (!(await db.scalar(`select count(*) from identity_merges where workspace_id = $ws and unmerged_at is null`, { ws }))) return;
  const { kind } = fact;
  const t = MOVABLE.find((m) => m.kind === kind)!;
  // The batch's identifiers that a merge still in force moved from its merged customer.
  await db.run(
    `create temp table ${p}_arrv as select i.key as via, mv.merge_id from ${p}_ids i
     join identity_merge_moves mv on mv.workspace_id = $ws and mv.kind = 'identifier' and mv.key = i.id_type || '|' || i.namespace || '|' || i.id_hash
     join identity_merges m on m.workspace_id = $ws and m.id = mv.merge_id and m.unmerged_at is null`,
    { ws },
  );
  if (!(await db.scalar(`select count(*) from ${p}_arrv`))) return;
  await db.run(
    `insert into identity_merge_moves (workspace_id, merge_id, kind, key)
     select distinct $ws, a.merge_id, '${kind}', f.key
     from (select rc.via, rc.customer_id, ${fact.key(p, present)} as key from ${p}_rows r join ${p}_rc rc using (_row) where ${GOOD}) f
     join ${p}_arrv a using (via)
     join (select customer_id, ${t.key} as key from ${t.table} where workspace_id = $ws) x on x.key = f.key and x.customer_id = f.customer_id
     where not exists (select 1 from identity_merge_moves y where y.workspace_id = $ws and y.merge_id = a.merge_id and y.kind = '${kind}' and y.key = f.key)`,
    { ws },
  );
}

/** Each fact entity's kind of move (merges.ts MOVABLE) and its row's key there, from a staged row `r` and its customer `rc`. */
const FACTS: Partial<Record<Entity, { kind: string; key: (p: string, present: Set<string>) => string }>> = {
  orders: { kind: 'orders', key: () => 'r.order_id' },
  events: { kind: 'events', key: (p, present) => eventColumns(p, present).eventId },
  coupons: { kind: 'coupons', key: () => 'r.coupon_code' },
  contacts: { kind: 'contact_ownership', key: () => `r.staff_code || '|' || strftime(r.t_added_at, '%Y-%m-%dT%H:%M:%S.%f')` },
  group_members: { kind: 'group_members', key: () => `r.group_id || '|' || strftime(r.t_joined_at, '%Y-%m-%dT%H:%M:%S.%f')` },
  campaign_members: { kind: 'campaign_members', key: () => 'r.campaign_id' },
};
