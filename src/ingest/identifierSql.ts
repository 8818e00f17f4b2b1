import { blobValue } from '@duckdb/node-api';
import type { Database } from '../store/duckdb/database.ts';
import { keyedHashPads, type Keys } from '../domain/privacy/cipher.ts';
import type { IdType } from '../domain/privacy/normalize.ts';

/**
 * The identifier digest (normalised form, keyed hash, masked form — domain/privacy/digest.ts) computed set-wise in
 * DuckDB, on its threads, for the values where SQL gives exactly what the domain function gives: values written in
 * printable ASCII (so that trimming and case mean the same in both) whose normalised form is usable. Each type's
 * normalising is written in SQL as the domain function does it (a phone to E.164 with +86 by default, an e-mail
 * trimmed and lower-cased, a member number upper-cased, other ids trimmed and unquoted) and gives NULL where the
 * value is not a usable identifier: those values — invalid, masked, non-ASCII — stay with the domain function,
 * which tells them apart. The hash is HMAC-SHA256 from the key's pads; the key never leaves memory (a bound
 * parameter). The rows never cross into JS.
 */
export const SQL_DIGEST_TYPES: IdType[] = ['phone', 'email', 'member_no', 'unionid', 'openid', 'external_userid', 'device_id', 'anonymous_id', 'user_id'];

/** The unquoting every type shares (normalizeIdentifier): trim spaces, drop leading apostrophes, then a leading =" and a trailing ". */
function unquotedSql(raw: string): string {
  return `regexp_replace(regexp_replace(trim(${raw}), '^''+', ''), '^="|"$', '', 'g')`;
}

/** normalizePhone of an unquoted printable-ASCII value: E.164, or NULL when it is not a valid (or is a masked) number. */
function phoneSql(u: string): string {
  const p = `regexp_replace(regexp_replace(trim(${u}), '^''+', ''), '^="?|"$', '', 'g')`;
  const plus = `starts_with(${p}, '+')`;
  const stripped = `regexp_replace(${p}, '[ ().-]', '', 'g')`;
  const digits = `(case when ${plus} then substr(${stripped}, 2) else ${stripped} end)`;
  const d = `(case when starts_with(${digits}, '00') then substr(${digits}, 3) else ${digits} end)`;
  return `(case when ${p} = '' or regexp_matches(${p}, '[*xX]{2,}') or not regexp_full_match(${digits}, '[0-9]+') then null
    when starts_with(${d}, '86') and length(${d}) = 13 and regexp_full_match(substr(${d}, 3), '1[3-9][0-9]{9}') then '+' || ${d}
    when not ${plus} and regexp_full_match(${d}, '1[3-9][0-9]{9}') then '+86' || ${d}
    when ${plus} and length(${d}) between 8 and 15 and not starts_with(${d}, '86') then '+' || ${d} end)`;
}

/** normalizeEmail of an unquoted printable-ASCII value: trimmed and lower-cased, or NULL when it is not an address. */
function emailSql(u: string): string {
  const e = `lower(trim(${u}))`;
  return `(case when regexp_full_match(${e}, '[^ @]+@[^ @]+[.][^ @]+') then ${e} end)`;
}

/** normalizeIdentifier of a printable-ASCII `raw` in SQL; NULL (or empty) when the domain function must decide. */
export function normalizedSql(type: IdType, raw: string): string {
  const u = unquotedSql(raw);
  if (type === 'phone') return phoneSql(u);
  if (type === 'email') return emailSql(u);
  return type === 'member_no' ? `upper(${u})` : u;
}

/** maskIdentifier (domain/privacy/mask.ts) of a printable-ASCII normalised value of `type`. */
export function maskedSql(type: IdType, norm: string): string {
  if (type === 'phone') {
    const d = `regexp_replace(${norm}, '^[+]86', '')`;
    return `(case when length(${d}) < 7 then repeat('*', length(${d})) else left(${d}, 3) || '****' || right(${d}, 4) end)`;
  }
  if (type === 'email') return `(left(split_part(${norm}, '@', 1), 1) || '***@' || split_part(${norm}, '@', 2))`;
  return `(case when length(${norm}) <= 4 then '****' else left(${norm}, 2) || '****' || right(${norm}, 2) end)`;
}

/**
 * Fills `target(k, norm, id_hash, id_masked, status)` from `source(k, id_type, raw)` for the values SQL can digest
 * (status ok) and returns how many it did and how many of them normalising changed. The rest are left to the caller.
 */
export async function digestInSql(db: Database, keys: Keys, source: string, target: string, types: IdType[]): Promise<{ done: number; renamed: number }> {
  const sqlTypes = types.filter((t) => SQL_DIGEST_TYPES.includes(t));
  if (!sqlTypes.length) return { done: 0, renamed: 0 };
  const { inner, outer } = keyedHashPads(keys);
  const params: Record<string, unknown> = { outer: blobValue(outer) };
  const norm = `case id_type ${sqlTypes.map((t) => `when '${t}' then ${normalizedSql(t, 'raw')}`).join(' ')} end`;
  const masked = `case id_type ${sqlTypes.map((t) => `when '${t}' then ${maskedSql(t, 'norm')}`).join(' ')} end`;
  const prefix = `case id_type ${sqlTypes.map((t, i) => ((params[`pre${i}`] = blobValue(Buffer.concat([inner, Buffer.from(`${t}\u0000`, 'utf8')]))), `when '${t}' then $pre${i}`)).join(' ')} end`;
  await db.run(
    `insert into ${target} (k, norm, id_hash, id_masked, status)
     select k, norm, sha256($outer || unhex(sha256(${prefix} || encode(norm)))), ${masked}, 'ok'
     from (select k, id_type, raw, ${norm} as norm from ${source}
           where id_type in (${sqlTypes.map((t) => `'${t}'`).join(', ')}) and regexp_full_match(raw, '[ -~]*'))
     where norm <> ''`,
    params,
  );
  const r = await db.get<{ done: number; renamed: number }>(`select count(*)::bigint as done, count(*) filter (where h.norm <> s.raw)::bigint as renamed from ${target} h join ${source} s using (k)`);
  return { done: Number(r?.done ?? 0), renamed: Number(r?.renamed ?? 0) };
}
