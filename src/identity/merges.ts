import type { App } from '../app/context.ts';
import { tempAppender } from './temp.ts';
import { UserError } from '../errors.ts';
import { withIdentityLock } from './lock.ts';
import { carryRestrictions, restoreStatuses } from './restriction.ts';
import { mergeChain } from './chain.ts';
import { reownConsents } from '../privacy/consentCopy.ts';

/**
 * Fact tables that point at a customer, and the key that names a row of each (for recording and undoing moves).
 * Consents are not among them: the ledger belongs to its subjects, and the warehouse's copy is re-pointed by
 * `reownConsents` (src/privacy/consentCopy.ts).
 */
export const MOVABLE: { table: string; kind: string; key: string; pk?: string }[] = [
  { table: 'customer_identifiers', kind: 'identifier', key: `id_type || '|' || namespace || '|' || id_hash` },
  { table: 'orders', kind: 'orders', key: 'order_id' },
  { table: 'events', kind: 'events', key: 'event_id' },
  { table: 'coupons', kind: 'coupons', key: 'coupon_code' },
  { table: 'contact_ownership', kind: 'contact_ownership', key: `staff_code || '|' || strftime(added_at, '%Y-%m-%dT%H:%M:%S.%f')`, pk: 'staff_code, added_at' },
  { table: 'group_members', kind: 'group_members', key: `group_id || '|' || strftime(joined_at, '%Y-%m-%dT%H:%M:%S.%f')`, pk: 'group_id, joined_at' },
  { table: 'campaign_members', kind: 'campaign_members', key: 'campaign_id', pk: 'campaign_id' },
];
type Movable = (typeof MOVABLE)[number];

export interface MergeInput { survivor: number; merged: number; rule: string; via: number }

/**
 * Applies merges found in a batch (合并): each merged customer gets status 'merged' and merged_into its final
 * survivor; its identifiers and fact rows move to the survivor, and every move is recorded so unmerge can undo it.
 * `via` is a node of `<p>_nodes` (the linking identifier).
 */
export async function applyMerges(app: App, p: string, merges: MergeInput[], source: string | null): Promise<number> {
  if (!merges.length) return 0;
  const db = app.warehouse;
  const ws = app.workspaceId;
  const into = new Map<number, number>();
  for (const m of merges) into.set(m.merged, m.survivor);
  const final = (c: number): number => {
    let x = c;
    while (into.has(x)) x = into.get(x)!;
    return x;
  };
  await db.run(`create temp table ${p}_mg (merge_id bigint, merged bigint, survivor bigint, final bigint, rule varchar, via integer)`);
  const ids = (await db.all<{ id: number }>(`select nextval('identity_merge_seq') as id from range($k)`, { k: merges.length })).map((r) => r.id);
  const a = await tempAppender(db, `${p}_mg`);
  merges.forEach((m, i) => {
    a.appendBigInt(BigInt(ids[i]));
    a.appendBigInt(BigInt(m.merged));
    a.appendBigInt(BigInt(m.survivor));
    a.appendBigInt(BigInt(final(m.merged)));
    a.appendVarchar(m.rule);
    a.appendInteger(m.via);
    a.endRow();
  });
  a.closeSync();
  await db.run(
    `insert into identity_merges (workspace_id, id, survivor_id, merged_id, rule, via_type, via_hash, source)
     select $ws, g.merge_id, g.survivor, g.merged, g.rule, n.id_type, n.id_hash, $source from ${p}_mg g left join ${p}_nodes n on n.node = g.via`,
    { ws, source },
  );
  for (const t of MOVABLE) await moveRows(app, p, t);
  await carryRestrictions(app, p);
  await db.run(
    `update customers set status = 'merged', merged_into = g.final, updated_at = current_timestamp from ${p}_mg g where customers.workspace_id = $ws and customers.id = g.merged`,
    { ws },
  );
  await reownConsents(db, ws, merges.map((m) => m.merged));
  await app.audit({ actor: app.actor, action: 'identity.merge', target: `merges:${ids[0]}..${ids[ids.length - 1]}`, detail: { merges: merges.length, source } });
  return merges.length;
}

/**
 * Moves one table's rows of the batch's merged customers to their final survivor, recording each row moved. Where a
 * row's key is unique only per customer (`pk`: a contact, a group or campaign membership) a row moves only when the
 * survivor has none with that key, and of several merged customers with the same key only the smallest id's: the
 * others stay with their merged customer and are not recorded, so no customer ever holds a key twice.
 */
async function moveRows(app: App, p: string, t: Movable): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  if (!t.pk) {
    await db.run(
      `insert into identity_merge_moves (workspace_id, merge_id, kind, key)
       select $ws, g.merge_id, '${t.kind}', ${t.key} from ${t.table} x join ${p}_mg g on x.customer_id = g.merged where x.workspace_id = $ws`,
      { ws },
    );
    await db.run(`update ${t.table} set customer_id = g.final from ${p}_mg g where ${t.table}.workspace_id = $ws and ${t.table}.customer_id = g.merged`, { ws });
    return;
  }
  const cols = t.pk.split(', ');
  const same = (a: string, b: string) => cols.map((c) => `${a}.${c} = ${b}.${c}`).join(' and ');
  await db.run(
    `create temp table ${p}_mv as
     select g.merge_id, g.merged, g.final, ${cols.map((c) => `x.${c}`).join(', ')}, ${t.key} as key from ${t.table} x join ${p}_mg g on x.customer_id = g.merged
     where x.workspace_id = $ws and not exists (select 1 from ${t.table} y where y.workspace_id = $ws and y.customer_id = g.final and ${same('y', 'x')})
     qualify row_number() over (partition by g.final, ${cols.map((c) => `x.${c}`).join(', ')} order by g.merged) = 1`,
    { ws },
  );
  await db.run(`insert into identity_merge_moves (workspace_id, merge_id, kind, key) select $ws, merge_id, '${t.kind}', key from ${p}_mv`, { ws });
  await db.run(`update ${t.table} set customer_id = m.final from ${p}_mv m where ${t.table}.workspace_id = $ws and ${t.table}.customer_id = m.merged and ${same(t.table, 'm')}`, { ws });
  await db.run(`drop table ${p}_mv`);
}

/**
 * Who holds what a merge moved now: the customer holding the identifiers it moved (its rows went with them to the
 * batch's final survivor, and every later merge moved them together), else the survivor and every customer it was
 * merged into since.
 */
async function holdersOf(app: App, mergeId: number, m: { survivor_id: number; merged_id: number }): Promise<number[]> {
  const ws = app.workspaceId;
  const withIds = await app.warehouse.all<{ c: number }>(
    `select distinct customer_id as c from customer_identifiers where workspace_id = $ws and customer_id <> $merged
     and ${MOVABLE[0].key} in (select key from identity_merge_moves where workspace_id = $ws and merge_id = $id and kind = 'identifier')`,
    { ws, id: mergeId, merged: m.merged_id },
  );
  return withIds.length ? withIds.map((r) => r.c) : mergeChain(app, m.survivor_id);
}

/**
 * Undoes a merge (拆分): the merged customer is active again and gets back the identifiers and rows the merge moved
 * — only those rows: a contact or membership is taken from whoever holds the merge's identifiers now, never from
 * another customer with the same key (two customers added by one guide on the same day).
 * The pair is remembered as separated, so a later import does not join them again (it flags a conflict instead); a
 * conflict already recorded for the same link and pair (one a reviewer merged) becomes that record.
 */
export async function unmerge(app: App, mergeId: number): Promise<{ merge: number; customer: number; survivor: number; moved: Record<string, number> }> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const m = await db.get<{ survivor_id: number; merged_id: number; merged_at: string; unmerged_at: string | null }>(
    `select survivor_id, merged_id, strftime(merged_at, '%Y-%m-%d %H:%M:%S.%f') as merged_at, unmerged_at from identity_merges where workspace_id = $ws and id = $id`, { ws, id: mergeId },
  );
  if (!m) throw new UserError('merge_not_found', `No merge ${mergeId}.`, `没有编号为 ${mergeId} 的合并记录。`, 404);
  if (m.unmerged_at) throw new UserError('already_unmerged', `Merge ${mergeId} was already undone at ${m.unmerged_at}.`, `合并 ${mergeId} 已于 ${m.unmerged_at} 撤销。`, 409);
  const moved: Record<string, number> = {};
  await withIdentityLock(() => db.transaction(async () => {
    const holders = await holdersOf(app, mergeId, m);
    for (const t of MOVABLE) {
      moved[t.kind] = 0;
      if (!(await db.scalar(`select count(*) from identity_merge_moves where workspace_id = $ws and merge_id = $id and kind = '${t.kind}'`, { ws, id: mergeId }))) continue;
      const free = t.pk ? `and not exists (select 1 from ${t.table} y where y.workspace_id = $ws and y.customer_id = $c and ${t.pk.split(', ').map((c) => `y.${c} = ${t.table}.${c}`).join(' and ')})` : '';
      moved[t.kind] = await db.scalar(
        `update ${t.table} set customer_id = $c where workspace_id = $ws ${t.pk ? 'and list_contains($holders, customer_id)' : ''} ${free}
         and ${t.key} in (select key from identity_merge_moves where workspace_id = $ws and merge_id = $id and kind = '${t.kind}')`,
        { ws, id: mergeId, c: m.merged_id, ...(t.pk ? { holders } : {}) },
      );
    }
    await restoreStatuses(app, mergeId, m);
    await reownConsents(db, ws, [...new Set([...holders, ...(await mergeChain(app, m.survivor_id))])]);
    await db.run(`update identity_merges set unmerged_at = current_timestamp where workspace_id = $ws and id = $id`, { ws, id: mergeId });
    await db.run(
      `insert into identity_conflicts (workspace_id, rule, unique_type, link_type, link_namespace, link_hash, customer_a, customer_b, source, status)
       select $ws, rule, 'separated', coalesce(via_type, ''), '', coalesce(via_hash, ''), least(survivor_id, merged_id), greatest(survivor_id, merged_id), 'unmerge', 'separated'
       from identity_merges where workspace_id = $ws and id = $id
       on conflict do update set status = 'separated'`,
      { ws, id: mergeId },
    );
  }));
  await app.audit({ actor: app.actor, action: 'identity.unmerge', target: `merge:${mergeId}`, detail: { customer: m.merged_id, survivor: m.survivor_id, moved } });
  return { merge: mergeId, customer: m.merged_id, survivor: m.survivor_id, moved };
}
