import type { Warehouse } from '../store/interfaces.ts';
import { FREE_TEXT } from './sensitive.ts';
import { changed as changedRows } from './write/sql.ts';

/**
 * Mobile numbers and e-mail addresses written into free text — a tag, a note kept as a trait, an event property, a
 * consent's evidence (备注: 13812345678) — would be stored as plaintext personal information, outside the identifier
 * columns that hash and encrypt them. They are masked where they stand, as the console shows identifiers
 * (138****5678, a***@example.com): the note keeps its sense and no plaintext reaches the store. Names are encrypted
 * whole, so they are not touched.
 */
const PHONE = `(^|[^0-9])(1[3-9][0-9])[ -]?[0-9]{4}[ -]?([0-9]{4})($|[^0-9])`;
const EMAIL = `([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+[.][A-Za-z0-9.-]*[A-Za-z])`;

/** Masks phones and e-mails in the free-text columns of `<p>_rows`; returns how many values it changed, per column. */
export async function maskContactsInText(db: Warehouse, p: string, present: Set<string>): Promise<Record<string, number>> {
  const changed: Record<string, number> = {};
  for (const c of FREE_TEXT.filter((x) => present.has(x) && x !== 'name')) {
    const json = c === 'properties' || c === '_traits';
    const text = json ? `${c}::varchar` : c;
    // Twice: a match takes the character after a number, so the second of two numbers one character apart needs its own pass.
    const once = (v: string) => `regexp_replace(${v}, '${PHONE}', '\\1\\2****\\3\\4', 'g')`;
    const masked = `regexp_replace(${once(once(text))}, '${EMAIL}', '\\1***@\\2', 'g')`;
    const n = await changedRows(db, `update ${p}_rows set ${c} = ${json ? `(${masked})::json` : masked} where ${text} is not null and ${masked} <> ${text}`);
    if (n) changed[c.replace(/^_/, '')] = n;
  }
  return changed;
}
