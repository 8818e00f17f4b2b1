import type { App } from '../app/context.ts';
import { normalizeIdentifier, type IdType } from '../domain/privacy/normalize.ts';
import { keyedHash } from '../domain/privacy/cipher.ts';
import { maskIdentifier } from '../domain/privacy/mask.ts';
import { IDENTIFIER_COLUMNS, NAMESPACE_COLUMNS, type Entity } from './canonical.ts';
import { tempAppender, pages } from '../identity/temp.ts';

/** Identifier types that only say "this device": alone they do not make a customer on events (anonymous_key). */
export const WEAK_TYPES: IdType[] = ['anonymous_id', 'device_id'];

export interface IdentifierScan {
  columns: IdType[];
  invalid: Record<string, number>;
  masked: number;
}

/**
 * Hashes only the DISTINCT identifier values of the good rows (far fewer than rows): `<p>_idv(id_type, namespace,
 * raw, norm, id_hash, id_masked, status)` with status ok | invalid | masked, then `<p>_rid(_row, id_type, namespace,
 * id_hash)` joining them back to rows. Masked phones (138****5678) and invalid values are never join keys.
 */
export async function scanIdentifiers(app: App, p: string, entity: Entity, present: Set<string>): Promise<IdentifierScan> {
  const db = app.db;
  const columns = IDENTIFIER_COLUMNS.filter((c) => present.has(c)) as IdType[];
  const nsOf = (c: IdType) => {
    const ns = (NAMESPACE_COLUMNS as Record<string, string>)[c];
    return ns && present.has(ns) ? `coalesce(${ns}, '')` : `''`;
  };
  await db.run(`create temp table ${p}_idv (id_type varchar, namespace varchar, raw varchar, norm varchar, id_hash varchar, id_masked varchar, status varchar)`);
  await db.run(`create temp table ${p}_rid (_row bigint, id_type varchar, namespace varchar, id_hash varchar)`);
  if (!columns.length) return { columns, invalid: {}, masked: 0 };
  const union = columns.map((c) => `select distinct '${c}' as id_type, ${nsOf(c)} as namespace, ${c} as raw from ${p}_rows where len(_errors) = 0 and ${c} is not null`).join(' union all ');
  await db.run(`create temp table ${p}_idraw as select (row_number() over ())::bigint as k, * from (${union})`);
  const total = await db.scalar(`select count(*) from ${p}_idraw`);
  const a = await tempAppender(db, `${p}_idv`);
  const invalid: Record<string, number> = {};
  let masked = 0;
  for await (const page of pages<{ id_type: IdType; namespace: string; raw: string }>(db, `select id_type, namespace, raw from ${p}_idraw where k between $a and $b`, total, 200_000)) {
    for (const r of page) {
      const norm = normalizeIdentifier(r.id_type, r.raw);
      a.appendVarchar(r.id_type);
      a.appendVarchar(r.namespace);
      a.appendVarchar(r.raw);
      if (norm === null) {
        const isMasked = /\*{2,}/.test(r.raw);
        if (isMasked) masked++;
        else invalid[r.id_type] = (invalid[r.id_type] ?? 0) + 1;
        a.appendNull();
        a.appendNull();
        a.appendVarchar(isMasked ? r.raw : '***');
        a.appendVarchar(isMasked ? 'masked' : 'invalid');
      } else {
        a.appendVarchar(norm);
        a.appendVarchar(keyedHash(app.keys, r.id_type, norm));
        a.appendVarchar(maskIdentifier(r.id_type, norm));
        a.appendVarchar('ok');
      }
      a.endRow();
    }
    a.flushSync();
  }
  a.closeSync();
  await db.run(`drop table ${p}_idraw`);
  const weakOnly = entity === 'events' ? `and (${columns.filter((c) => !WEAK_TYPES.includes(c)).map((c) => `r.${c} is not null`).join(' or ') || 'false'})` : '';
  for (const c of columns) {
    const weak = WEAK_TYPES.includes(c) ? weakOnly : '';
    await db.run(
      `insert into ${p}_rid select r._row, v.id_type, v.namespace, v.id_hash from ${p}_rows r
       join ${p}_idv v on v.id_type = '${c}' and v.namespace = ${nsOf(c).replace(/\b([a-z_]+),/, 'r.$1,')} and v.raw = r.${c}
       where len(r._errors) = 0 and v.status = 'ok' ${weak}`,
    );
  }
  return { columns, invalid, masked };
}
