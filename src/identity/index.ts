import type { App } from '../app/context.ts';
import type { IdType } from '../domain/privacy/normalize.ts';
import { digestIdentifier } from '../domain/privacy/digest.ts';
import { resolveStaged } from './resolveStaged.ts';
import { loadRules } from './rules.ts';
import { tempPrefix, tempAppender, dropTemp } from './temp.ts';
import { withIdentityLock } from './lock.ts';

export { unmerge } from './merges.ts';
export { reviewConflict, type ReviewOutcome } from './review.ts';
export { loadRules, saveRules } from './rules.ts';

export interface IdentityRecord {
  identifiers: { type: IdType; value: string; namespace?: string }[];
  source: string;
  traits?: Record<string, unknown>;
}

/**
 * Resolves records seen together (a live event's user id + anonymous id, a form's phone + unionid …) to customer
 * ids: unseen identifiers create a customer, new identifiers join the customer they are seen with, links between
 * existing customers merge them by the workspace's rules (or flag a conflict). Returns one id per record, null for
 * a record without a usable identifier (masked, invalid or none). Plaintext never leaves this function.
 */
export async function resolveBatch(app: App, records: IdentityRecord[]): Promise<(number | null)[]> {
  if (!records.length) return [];
  const db = app.warehouse;
  const p = tempPrefix('rb');
  const rules = await loadRules(app);
  try {
    return await withIdentityLock(() => db.transaction(async () => {
      await db.run(`create temp table ${p}_ids (key bigint, id_type varchar, namespace varchar, id_hash varchar, norm varchar, id_masked varchar)`);
      await db.run(`create temp table ${p}_rid (_row bigint, key bigint)`);
      const v = await tempAppender(db, `${p}_ids`);
      const r = await tempAppender(db, `${p}_rid`);
      const keyOf = new Map<string, number>();
      records.forEach((rec, i) => {
        for (const id of rec.identifiers) {
          const d = digestIdentifier(app.keys, id.type, id.value);
          if (d.status !== 'ok') continue;
          const ns = id.namespace ?? '';
          const name = `${id.type}\u0000${ns}\u0000${d.hash}`;
          const seen = keyOf.get(name);
          const key = seen ?? keyOf.size + 1;
          r.appendBigInt(BigInt(i + 1));
          r.appendBigInt(BigInt(key));
          r.endRow();
          if (seen !== undefined) continue;
          keyOf.set(name, key);
          v.appendBigInt(BigInt(key));
          v.appendVarchar(id.type);
          v.appendVarchar(ns);
          v.appendVarchar(d.hash!);
          v.appendVarchar(d.norm!);
          v.appendVarchar(d.masked);
          v.endRow();
        }
      });
      v.closeSync();
      r.closeSync();
      await resolveStaged(app, p, rules, { source: records[0].source });
      const out: (number | null)[] = records.map(() => null);
      for (const row of await db.all<{ _row: number; customer_id: number }>(`select _row, customer_id from ${p}_rc`)) out[row._row - 1] = row.customer_id;
      // Traits seen with the records join their customer's traits (later records win key by key).
      const traits = new Map<number, Record<string, unknown>>();
      records.forEach((rec, i) => {
        const c = out[i];
        if (c === null || !rec.traits || !Object.keys(rec.traits).length) return;
        traits.set(c, { ...traits.get(c), ...rec.traits });
      });
      if (traits.size) {
        await db.run(`create temp table ${p}_traits (customer_id bigint, traits varchar)`);
        const t = await tempAppender(db, `${p}_traits`);
        for (const [c, v] of traits) {
          t.appendBigInt(BigInt(c));
          t.appendVarchar(JSON.stringify(v));
          t.endRow();
        }
        t.closeSync();
        await db.run(
          `update customers set traits = json_merge_patch(coalesce(customers.traits, '{}'::json), x.traits::json), updated_at = now()
           from ${p}_traits x where customers.workspace_id = $ws and customers.id = x.customer_id`,
          { ws: app.workspaceId },
        );
      }
      return out;
    }));
  } finally {
    await dropTemp(db, p).catch(() => undefined);
  }
}
