import type { App } from '../app/context.ts';
import type { IdType } from '../domain/privacy/normalize.ts';
import { digestIdentifier, type IdentifierDigest } from '../domain/privacy/digest.ts';
import { IDENTIFIER_COLUMNS, NAMESPACE_COLUMNS, SCOPED_TYPES, type Entity } from './canonical.ts';
import { tempAppender, pipelinePages } from '../identity/temp.ts';
import { digestInSql } from './identifierSql.ts';

/** Identifier types that only say "this device": alone they do not make a customer on events (anonymous_key). */
export const WEAK_TYPES: IdType[] = ['anonymous_id', 'device_id'];

export interface IdentifierScan {
  columns: IdType[];
  invalid: Record<string, number>;
  masked: number;
  /** Usable openid / external_userid values without their app / corp (namespace ''), per type. */
  unscoped: Record<string, number>;
}

/**
 * Hashes only the DISTINCT identifier values of the good rows (far fewer than rows) and gives each an integer key,
 * so that everything after works on integers instead of 64-character hashes:
 *   `<p>_idv(k, id_type, namespace, raw, norm, id_hash, id_masked, status, key)` — one row per distinct raw value,
 *     status ok | invalid | masked; `key` (ok only) is the same for raw values that normalise alike (138… and +86138…);
 *   `<p>_ids(key, id_type, namespace, id_hash, norm, id_masked)` — one row per usable identifier (a view);
 *   `<p>_rid(_row, key)` — each row's usable identifiers.
 * Masked phones (138****5678) and invalid values are never join keys.
 */
export async function scanIdentifiers(app: App, p: string, entity: Entity, present: Set<string>): Promise<IdentifierScan> {
  const db = app.warehouse;
  const columns = IDENTIFIER_COLUMNS.filter((c) => present.has(c)) as IdType[];
  const nsOf = (c: IdType) => {
    const ns = (NAMESPACE_COLUMNS as Record<string, string>)[c];
    return ns && present.has(ns) ? `coalesce(${ns}, '')` : `''`;
  };
  await db.run(`create temp table ${p}_rid (_row bigint, key bigint)`);
  const union = columns.length
    ? columns.map((c) => `select distinct '${c}' as id_type, ${nsOf(c)} as namespace, ${c} as raw from ${p}_rows where len(_errors) = 0 and ${c} is not null`).join(' union all ')
    : `select null::varchar as id_type, null::varchar as namespace, null::varchar as raw where false`;
  // k is the value's position (rowid: a row_number() window would pass every value through one thread). Positions
  // count from 0 in a table committed to (not one created inside an open transaction): this runs outside the file's.
  await db.run(`create temp table ${p}_idraw_t as select * from (${union})`);
  await db.run(`create temp view ${p}_idraw as select (rowid + 1)::bigint as k, * from ${p}_idraw_t`);
  const total = await db.scalar(`select count(*) from ${p}_idraw`);
  // The digest of each distinct value by k (the type, namespace and raw value stay in SQL and are joined back by
  // k): in SQL where it gives the same (identifierSql.ts), the rest computed in JS and appended.
  await db.run(`create temp table ${p}_idh (k bigint, norm varchar, id_hash varchar, id_masked varchar, status varchar)`);
  const inSql = await digestInSql(db, app.keys, `${p}_idraw`, `${p}_idh`, columns);
  let rest = `${p}_idraw_t`;
  if (inSql.done) {
    rest = `${p}_idjs`;
    await db.run(`create temp table ${rest} as select (row_number() over ())::bigint as j, r.k, r.id_type, r.raw from ${p}_idraw r anti join ${p}_idh h using (k)`);
  }
  const a = await tempAppender(db, `${p}_idh`);
  const invalid: Record<string, number> = {};
  let masked = 0;
  let renamed = inSql.renamed;
  await pipelinePages<{ k: number; id_type: IdType; raw: string }, IdentifierDigest[]>(
    db, inSql.done ? `select k, id_type, raw from ${rest} where j between $a and $b` : `select rowid + 1 as k, id_type, raw from ${rest} where rowid between $a - 1 and $b - 1`, total - inSql.done, 50_000,
    (page) => page.map((r) => digestIdentifier(app.keys, r.id_type, r.raw)),
    (page, digests) => {
      for (let i = 0; i < page.length; i++) {
        const r = page[i];
        const d = digests[i];
        a.appendBigInt(BigInt(r.k));
        if (d.status === 'masked') masked++;
        else if (d.status === 'invalid') invalid[r.id_type] = (invalid[r.id_type] ?? 0) + 1;
        else if (d.norm !== r.raw) renamed++;
        if (d.norm === null) a.appendNull();
        else a.appendVarchar(d.norm);
        if (d.hash === null) a.appendNull();
        else a.appendVarchar(d.hash);
        a.appendVarchar(d.masked);
        a.appendVarchar(d.status);
        a.endRow();
      }
      a.flushSync();
    },
  );
  a.closeSync();
  if (inSql.done) await db.run(`drop table ${rest}`);
  // Two raw values can only share a normalised value when normalising changed one of them: only then is the key
  // the first k of each hash (a window over the hashes) rather than k itself.
  const key = renamed ? `case when h.id_hash is not null then min(r.k) over (partition by r.id_type, r.namespace, h.id_hash) end` : `case when h.id_hash is not null then r.k end`;
  await db.run(
    `create temp table ${p}_idv as select r.k, r.id_type, r.namespace, r.raw, h.norm, h.id_hash, h.id_masked, h.status, ${key} as key
     from ${p}_idraw r join ${p}_idh h using (k)`,
  );
  await db.run(`drop view ${p}_idraw`);
  await db.run(`drop table ${p}_idraw_t`);
  await db.run(`drop table ${p}_idh`);
  await db.run(`create temp view ${p}_ids as select key, id_type, namespace, id_hash, norm, id_masked from ${p}_idv where key = k`);
  const weakOnly = entity === 'events' ? `and (${columns.filter((c) => !WEAK_TYPES.includes(c)).map((c) => `r.${c} is not null`).join(' or ') || 'false'})` : '';
  for (const c of columns) {
    const weak = WEAK_TYPES.includes(c) ? weakOnly : '';
    await db.run(
      `insert into ${p}_rid select r._row, v.key from ${p}_rows r
       join ${p}_idv v on v.id_type = '${c}' and v.namespace = ${nsOf(c).replace(/\b([a-z_]+),/, 'r.$1,')} and v.raw = r.${c}
       where len(r._errors) = 0 and v.key is not null ${weak}`,
    );
  }
  // An openid is one person within one mini-program or official account (external_userid within one corp): kept
  // under an empty namespace, it will not match the same app's openids from files that name the app.
  const unscoped: Record<string, number> = {};
  for (const r of await db.all<{ t: string; n: number }>(
    `select id_type as t, count(*)::integer as n from ${p}_ids where namespace = '' and list_contains($scoped, id_type) group by id_type`, { scoped: SCOPED_TYPES },
  )) unscoped[r.t] = r.n;
  return { columns, invalid, masked, unscoped };
}
