import type { App } from '../app/context.ts';
import { activeOf } from './chain.ts';

/**
 * A restriction of processing (限制处理, PIPL art. 44) goes with the person through merges: a survivor that absorbs a
 * restricted customer becomes restricted. What each merged customer's status was (when not active) is recorded as a
 * move of kind 'status', and a survivor restricted by the merge as 'restricted_survivor', so unmerge gives both back.
 * Expects the batch's `<p>_mg(merge_id, merged, final)` (merges.ts); runs before the merged customers are marked.
 */
export async function carryRestrictions(app: App, p: string): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  await db.run(
    `insert into identity_merge_moves (workspace_id, merge_id, kind, key)
     select $ws, g.merge_id, 'status', c.status from ${p}_mg g join customers c on c.workspace_id = $ws and c.id = g.merged where c.status <> 'active'`,
    { ws },
  );
  await db.run(
    `insert into identity_merge_moves (workspace_id, merge_id, kind, key)
     select $ws, min(g.merge_id), 'restricted_survivor', g.final::varchar from ${p}_mg g
     join customers m on m.workspace_id = $ws and m.id = g.merged and m.status = 'restricted'
     join customers f on f.workspace_id = $ws and f.id = g.final and f.status = 'active'
     group by g.final`,
    { ws },
  );
  await db.run(
    `update customers set status = 'restricted', updated_at = current_timestamp where workspace_id = $ws and status = 'active'
     and id in (select g.final from ${p}_mg g join customers m on m.workspace_id = $ws and m.id = g.merged where m.status = 'restricted')`,
    { ws },
  );
}

/**
 * On unmerge: the merged customer gets back the status it had (restricted stays restricted), and a survivor this
 * merge restricted is active again — unless it is still restricted for another reason: another restricted customer
 * merged into it and not separated, or a restriction request handled for it since the merge.
 */
export async function restoreStatuses(app: App, mergeId: number, m: { merged_id: number; merged_at: string }): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const prior = await db.get<{ key: string }>(`select key from identity_merge_moves where workspace_id = $ws and merge_id = $id and kind = 'status'`, { ws, id: mergeId });
  await db.run(`update customers set status = $s, merged_into = null, updated_at = current_timestamp where workspace_id = $ws and id = $c`, { ws, c: m.merged_id, s: prior?.key ?? 'active' });
  const restricted = await db.get<{ key: string }>(`select key from identity_merge_moves where workspace_id = $ws and merge_id = $id and kind = 'restricted_survivor'`, { ws, id: mergeId });
  if (!restricted) return;
  const c = Number(restricted.key);
  // The request register is in the state store (epoch ms); merged_at is the warehouse's naive local timestamp.
  const byRequest = await app.state.scalar(
    `select count(*) from dsr_requests where workspace_id = $ws and customer_id = $c and kind = 'restriction' and status = 'done' and completed_at >= $at`,
    { ws, c, at: new Date(m.merged_at.replace(' ', 'T')).getTime() },
  );
  if (byRequest) return;
  // Restricted customers still merged (directly or down a chain) into c keep it restricted.
  const others = await db.all<{ id: number }>(
    `select c.id from customers c where c.workspace_id = $ws and c.status = 'merged' and c.id in (
       select x.merged_id from identity_merges x join identity_merge_moves s on s.workspace_id = x.workspace_id and s.merge_id = x.id and s.kind = 'status' and s.key = 'restricted'
       where x.workspace_id = $ws and x.unmerged_at is null and x.id <> $id)`,
    { ws, id: mergeId },
  );
  for (const o of others) if ((await activeOf(app, o.id)) === c) return;
  await db.run(`update customers set status = 'active', updated_at = current_timestamp where workspace_id = $ws and id = $c and status = 'restricted'`, { ws, c });
}
