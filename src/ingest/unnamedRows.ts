import type { App } from '../app/context.ts';
import { digestIdentifier } from '../domain/privacy/digest.ts';
import type { Entity } from './canonical.ts';
import { tempAppender } from '../identity/temp.ts';

/**
 * Rows that describe a person whom no usable identifier names (无标识客户): a 有赞 customer whose only phone is masked
 * (186******05), a WeCom contact without a phone. Rejecting them lost the customer; now each becomes a customer of its
 * own through an identifier of the row itself — an anonymous_id in the namespace `import:row` whose value is a digest
 * of what the row says (so the same row imported again finds the same customer). It is never seen with another
 * identifier on a row, and nothing else writes that namespace: it never links two people.
 */

/** Entities whose rows are a person (a membership or consent of nobody in particular stays rejected). */
export const PERSON_ROWS: Entity[] = ['customers', 'contacts', 'group_members'];

export const ROW_NAMESPACE = 'import:row';

/** Adds the row's own identifier to `<p>_idv` / `<p>_rid` for each good row without one; returns how many rows. */
export async function identifyUnnamedRows(app: App, p: string, entity: Entity, present: Set<string>): Promise<number> {
  if (!PERSON_ROWS.includes(entity)) return 0;
  const db = app.warehouse;
  const cols = [...present].filter((c) => !c.startsWith('_')).sort();
  await db.run(
    `create temp table ${p}_unnamed as select r._row, 'row:' || sha256(concat_ws(chr(31), $entity, ${cols.map((c) => `coalesce(r.${c}::varchar, '')`).join(', ') || `''`})) as raw
     from ${p}_rows r where len(r._errors) = 0 and r._row not in (select _row from ${p}_rid)`,
    { entity },
  );
  const rows = await db.scalar(`select count(*) from ${p}_unnamed`);
  if (!rows) return 0;
  const raws = (await db.all<{ raw: string }>(`select distinct raw from ${p}_unnamed order by raw`)).map((r) => r.raw);
  let k = await db.scalar(`select coalesce(max(k), 0) from ${p}_idv`);
  const a = await tempAppender(db, `${p}_idv`);
  for (const raw of raws) {
    const d = digestIdentifier(app.keys, 'anonymous_id', raw);
    k++;
    a.appendBigInt(BigInt(k));
    a.appendVarchar('anonymous_id');
    a.appendVarchar(ROW_NAMESPACE);
    a.appendVarchar(raw);
    a.appendVarchar(d.norm!);
    a.appendVarchar(d.hash!);
    a.appendVarchar(d.masked);
    a.appendVarchar('ok');
    a.appendBigInt(BigInt(k));
    a.endRow();
  }
  a.closeSync();
  await db.run(`insert into ${p}_rid select u._row, v.key from ${p}_unnamed u join ${p}_idv v on v.namespace = $ns and v.id_type = 'anonymous_id' and v.raw = u.raw`, { ns: ROW_NAMESPACE });
  return rows;
}
