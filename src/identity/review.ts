import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { applyMerges } from './merges.ts';
import { tempPrefix, dropTemp } from './temp.ts';
import { withIdentityLock } from './lock.ts';
import { activeOf } from './chain.ts';

export interface ReviewOutcome {
  conflict: number;
  status: 'merged' | 'dismissed';
  /** The merge made on the reviewer's word (null when dismissed, or when the two are one customer already). */
  merge: number | null;
  survivor: number | null;
  merged: number | null;
}

/**
 * Reviews a conflict (审核冲突): `dismiss` — not the same person, nothing changes; `merge` — the same person after
 * all (one person with two phones): the two customers are merged as an import would have (the older id survives,
 * everything moves, the merge is recorded with source 'review' and can be undone with unmerge). Open conflicts
 * between the same two customers are settled with it.
 */
export async function reviewConflict(app: App, conflictId: number, decision: 'merge' | 'dismiss'): Promise<ReviewOutcome> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const c = await db.get<{ rule: string; link_type: string; link_hash: string; customer_a: number; customer_b: number; status: string }>(
    `select rule, link_type, link_hash, customer_a, customer_b, status from identity_conflicts where workspace_id = $ws and id = $id`, { ws, id: conflictId },
  );
  if (!c) throw new UserError('conflict_not_found', `No conflict ${conflictId}.`, `没有编号为 ${conflictId} 的冲突。`, 404);
  if (c.status !== 'open') throw new UserError('conflict_reviewed', `Conflict ${conflictId} is ${c.status}, not open for review.`, `冲突 ${conflictId} 的状态为 ${c.status}，无需审核。`, 409);
  const out: ReviewOutcome = { conflict: conflictId, status: decision === 'merge' ? 'merged' : 'dismissed', merge: null, survivor: null, merged: null };
  const p = tempPrefix('rv');
  try {
    await withIdentityLock(() => db.transaction(async () => {
      const pair = { a: Math.min(c.customer_a, c.customer_b), b: Math.max(c.customer_a, c.customer_b) };
      if (decision === 'merge') {
        const [x, y] = [await activeOf(app, c.customer_a), await activeOf(app, c.customer_b)];
        if (x !== y) {
          // applyMerges names the linking identifier by a node of `<p>_nodes`: the conflict's.
          await db.run(`create temp table ${p}_nodes as select 0::integer as node, $t::varchar as id_type, $h::varchar as id_hash`, { t: c.link_type, h: c.link_hash });
          Object.assign(out, { survivor: Math.min(x, y), merged: Math.max(x, y) });
          await applyMerges(app, p, [{ survivor: out.survivor!, merged: out.merged!, rule: c.rule, via: 0 }], 'review');
          out.merge = await db.scalar(`select max(id) from identity_merges where workspace_id = $ws and survivor_id = $s and merged_id = $m`, { ws, s: out.survivor, m: out.merged });
        }
        await db.run(`update identity_conflicts set status = 'merged' where workspace_id = $ws and status = 'open' and customer_a = $a and customer_b = $b`, { ws, ...pair });
      }
      await db.run(`update identity_conflicts set status = $s where workspace_id = $ws and id = $id`, { ws, id: conflictId, s: out.status });
    }));
  } finally {
    await dropTemp(db, p).catch(() => undefined);
  }
  await app.audit({ actor: app.actor, action: 'identity.review', target: `conflict:${conflictId}`, detail: { decision, merge: out.merge } });
  return out;
}
