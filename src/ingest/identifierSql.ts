import type { Warehouse } from '../store/interfaces.ts';
import { keyedHashPads, type Keys } from '../domain/privacy/cipher.ts';
import type { IdType } from '../domain/privacy/normalize.ts';

/**
 * The identifier digest (normalised form, keyed hash, masked form — domain/privacy/digest.ts) computed set-wise in
 * DuckDB, on its threads, for the values where SQL gives exactly what the domain function gives: values written in
 * printable ASCII (so that trimming and case mean the same in both) whose normalised form is usable. Each type's
 * normalising is written in SQL as the domain function does it (a phone to E.164 with +86 by default, an e-mail
 * trimmed and lower-cased, a member number upper-cased, other ids trimmed and unquoted) and gives NULL where the
 * value is not a usable identifier: those values — invalid, masked, non-ASCII — stay with the domain function,
 * which tells them apart; a value with two asterisks in a row (MASKED, normalize.ts) is never taken here. The hash
 * is HMAC-SHA256 from the key's pads; the key never leaves memory (a bound parameter). The rows never cross into
 * JS. Every identifier type has its SQL here; a test holds each equal to the domain function.
 */

/** The unquoting every type shares (normalizeIdentifier): trim spaces, drop leading apostrophes, then a leading =" and a trailing ". */
const UNQUOTED = `regexp_replace(regexp_replace(trim(raw), '^''+', ''), '^="|"$', '', 'g')`;

/**
 * A query over `rel(k, id_type, raw)` (values of one type, printable ASCII) giving `(k, id_type, norm)` as the
 * domain function normalises them; norm is NULL or empty where the domain function must decide. Each step is a
 * projection of its own, so DuckDB computes it once per value (nested expressions would repeat their regexes).
 */
export function normalizedSql(type: IdType, rel: string): string {
  const u = `select k, id_type, ${UNQUOTED} as u from ${rel}`;
  if (type === 'email') {
    // normalizeEmail: trimmed and lower-cased, when it is shaped like an address.
    return `select k, id_type, case when regexp_full_match(e, '[^ @]+@[^ @]+[.][^ @]+') then e end as norm from (select k, id_type, lower(trim(u)) as e from (${u}))`;
  }
  if (type !== 'phone') return `select k, id_type, ${type === 'member_no' ? 'upper(u)' : 'u'} as norm from (${u})`;
  // normalizePhone: E.164 (+86 by default); NULL when not a valid number, or a masked one (138****5678).
  const p = `select k, id_type, regexp_replace(regexp_replace(trim(u), '^''+', ''), '^="?|"$', '', 'g') as p from (${u})`;
  const s1 = `select *, starts_with(p, '+') as plus, regexp_replace(p, '[ ().-]', '', 'g') as stripped from (${p})`;
  const s2 = `select *, case when plus then substr(stripped, 2) else stripped end as digits from (${s1})`;
  const s3 = `select *, case when starts_with(digits, '00') then substr(digits, 3) else digits end as d from (${s2})`;
  return `select k, id_type, case when p = '' or regexp_matches(p, '[*xX]{2,}') or not regexp_full_match(digits, '[0-9]+') then null
    when starts_with(d, '86') and length(d) = 13 and regexp_full_match(substr(d, 3), '1[3-9][0-9]{9}') then '+' || d
    when not plus and regexp_full_match(d, '1[3-9][0-9]{9}') then '+86' || d
    when plus and length(d) between 8 and 15 and not starts_with(d, '86') then '+' || d end as norm from (${s3})`;
}

/** maskIdentifier (domain/privacy/mask.ts) of a printable-ASCII normalised value of `type`. */
export function maskedSql(type: IdType, norm: string): string {
  if (type === 'phone') {
    const d = `(case when starts_with(${norm}, '+86') then substr(${norm}, 4) else ${norm} end)`;
    return `(case when length(${d}) < 7 then repeat('*', length(${d})) else left(${d}, 3) || '****' || right(${d}, 4) end)`;
  }
  if (type === 'email') return `(left(split_part(${norm}, '@', 1), 1) || '***@' || split_part(${norm}, '@', 2))`;
  return `(case when length(${norm}) <= 4 then '****' else left(${norm}, 2) || '****' || right(${norm}, 2) end)`;
}

/**
 * Fills `target(k, norm, id_hash, id_masked, status)` from `source(k, id_type, raw)` for the values SQL can digest
 * (status ok) and returns how many it did and how many of them normalising changed. The rest are left to the caller.
 */
export async function digestInSql(db: Warehouse, keys: Keys, source: string, target: string, types: IdType[]): Promise<{ done: number; renamed: number }> {
  if (!types.length) return { done: 0, renamed: 0 };
  const { inner, outer } = keyedHashPads(keys);
  const params: Record<string, unknown> = { outer: outer };
  const masked = `case id_type ${types.map((t) => `when '${t}' then ${maskedSql(t, 'norm')}`).join(' ')} end`;
  const prefix = `case id_type ${types.map((t, i) => ((params[`pre${i}`] = Buffer.concat([inner, Buffer.from(`${t}\u0000`, 'utf8')])), `when '${t}' then $pre${i}`)).join(' ')} end`;
  const normalized = types.map((t, i) => {
    params[`t${i}`] = t;
    return normalizedSql(t, `(select k, id_type, raw from ${source} where id_type = $t${i} and regexp_full_match(raw, '[ -~]*') and not contains(raw, '**'))`);
  }).join(' union all ');
  await db.run(
    `insert into ${target} (k, norm, id_hash, id_masked, status)
     select k, norm, sha256($outer || unhex(sha256(${prefix} || encode(norm)))), ${masked}, 'ok'
     from (${normalized}) where norm <> ''`,
    params,
  );
  const r = await db.get<{ done: number; renamed: number }>(`select count(*)::bigint as done, count(*) filter (where h.norm <> s.raw)::bigint as renamed from ${target} h join ${source} s using (k)`);
  return { done: Number(r?.done ?? 0), renamed: Number(r?.renamed ?? 0) };
}
