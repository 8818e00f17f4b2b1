/**
 * Everything that points at one person (个人信息定位): their customer numbers (including records merged into
 * them), the keyed hashes and ciphertexts of their identifiers, and the tables and columns that can hold either —
 * in both stores. Tables are discovered from each store's own catalogue, so a table another area adds is covered
 * without a change here. Used by erasure (to remove) and access (to copy), and by tests (to prove nothing is left).
 */
import type { App } from '../../app/context.ts';
import { decrypt } from '../../domain/privacy/cipher.ts';
import { inList } from '../../store/state/list.ts';

type Db = Pick<App, 'warehouse' | 'workspaceId'>;

/** Columns that hold a customer number (`subject_id`: the consent ledger's, as recorded). */
export const CUSTOMER_REF_COLUMNS = ['customer_id', 'survivor_id', 'merged_id', 'customer_a', 'customer_b', 'merged_into', 'subject_id'];
/**
 * Never touched: the tamper-evident audit log and the request register hold no identifiers, only internal numbers
 * (proof the request was handled); the stores' own bookkeeping.
 */
export const KEPT_TABLES = new Set(['audit_log', 'audit_head', 'dsr_requests', 'schema_migrations', 'state_migrations', 'state_counters']);

export interface TableInfo { table: string; columns: { name: string; type: string }[] }

export async function baseTables(app: Db): Promise<TableInfo[]> {
  const rows = await app.warehouse.all<{ t: string; c: string; ty: string }>(
    `select c.table_name as t, c.column_name as c, c.data_type as ty
     from information_schema.columns c join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
     where c.table_schema = 'main' and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
  );
  const out = new Map<string, TableInfo>();
  for (const r of rows) {
    if (!out.has(r.t)) out.set(r.t, { table: r.t, columns: [] });
    out.get(r.t)!.columns.push({ name: r.c, type: r.ty });
  }
  return [...out.values()];
}

/** The state store's tables and columns, from its catalogue (SQLite's or PostgreSQL's). */
export async function stateTables(app: Pick<App, 'state'>): Promise<TableInfo[]> {
  const rows = app.state.dialect === 'postgres'
    ? await app.state.all<{ t: string; c: string; ty: string }>(
      `select c.table_name as t, c.column_name as c, c.data_type as ty from information_schema.columns c
       join information_schema.tables t on t.table_name = c.table_name and t.table_schema = c.table_schema
       where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`)
    : await app.state.all<{ t: string; c: string; ty: string }>(
      `select m.name as t, p.name as c, p.type as ty from sqlite_master m join pragma_table_info(m.name) p
       where m.type = 'table' and m.name not like 'sqlite%' order by m.name, p.cid`);
  const out = new Map<string, TableInfo>();
  for (const r of rows) {
    if (!out.has(r.t)) out.set(r.t, { table: r.t, columns: [] });
    out.get(r.t)!.columns.push({ name: r.c, type: r.ty });
  }
  return [...out.values()];
}

export const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const isText = (type: string) => /^(VARCHAR|JSON|TEXT|CHARACTER VARYING)/i.test(type);
export const isInteger = (type: string) => /INT/i.test(type);
/** A column of `t` that holds a customer number. */
export const isCustomerRef = (t: TableInfo, c: { name: string; type: string }) =>
  (CUSTOMER_REF_COLUMNS.includes(c.name) || (t.table === 'customers' && c.name === 'id')) && isInteger(c.type);

/** The customer and every record merged into it (transitively). */
export async function personIds(app: Db, customerId: number): Promise<number[]> {
  const ids = new Set([customerId]);
  let frontier = [customerId];
  while (frontier.length) {
    const rows = await app.warehouse.all<{ id: number }>(
      `select id from customers where workspace_id = $ws and merged_into in (select unnest(string_split($ids, ','))::bigint)`,
      { ws: app.workspaceId, ids: frontier.join(',') },
    );
    frontier = rows.map((r) => Number(r.id)).filter((i) => !ids.has(i));
    frontier.forEach((i) => ids.add(i));
  }
  return [...ids];
}

export interface Needles {
  /** keyed hashes of every identifier */
  hashes: string[];
  /** every ciphertext held for the person (identifiers, name, birthday) */
  ciphers: string[];
  /** normalised identifier values, for scanning files that may hold raw input (quarantine, WAL) */
  plaintexts: string[];
}

/** What to search for: the person's hashes, ciphertexts and (decrypted) identifier values. */
export async function personNeedles(app: Db & Pick<App, 'keys'>, ids: number[]): Promise<Needles> {
  const idList = ids.join(',');
  const idents = await app.warehouse.all<{ id_type: string; id_hash: string; id_cipher: string | null }>(
    `select id_type, id_hash, id_cipher from customer_identifiers where workspace_id = $ws and customer_id in (select unnest(string_split($ids, ','))::bigint)`,
    { ws: app.workspaceId, ids: idList },
  );
  const cust = await app.warehouse.all<{ name_cipher: string | null; birthday_cipher: string | null }>(
    `select name_cipher, birthday_cipher from customers where workspace_id = $ws and id in (select unnest(string_split($ids, ','))::bigint)`,
    { ws: app.workspaceId, ids: idList },
  );
  const ciphers = [...idents.map((i) => i.id_cipher), ...cust.flatMap((c) => [c.name_cipher, c.birthday_cipher])].filter((x): x is string => !!x);
  const plaintexts = new Set<string>();
  for (const i of idents) {
    if (!i.id_cipher) continue;
    try {
      const v = decrypt(app.keys, i.id_cipher);
      if (v.length >= 6) plaintexts.add(v);
      if (i.id_type === 'phone' && v.startsWith('+86')) plaintexts.add(v.slice(3));
    } catch {
      /* a ciphertext under a key no longer held cannot be read, and needs no file scan */
    }
  }
  return { hashes: [...new Set(idents.map((i) => i.id_hash))], ciphers: [...new Set(ciphers)], plaintexts: [...plaintexts] };
}

export interface Trace { store: 'warehouse' | 'state'; table: string; column: string; rows: number }

/**
 * Where the person still appears, in either store: rows whose customer-number columns hold one of `ids`, or whose
 * text columns contain one of the hashes or ciphertexts. Empty after a complete erasure.
 */
export async function tracePerson(app: Db & Pick<App, 'state'>, ids: number[], needles: Needles): Promise<Trace[]> {
  const out: Trace[] = [];
  const strings = [...needles.hashes, ...needles.ciphers];
  const params: Record<string, unknown> = { ids: ids.join(',') };
  strings.forEach((s, i) => (params[`n${i}`] = s));
  for (const t of await baseTables(app)) {
    if (KEPT_TABLES.has(t.table)) continue;
    for (const c of t.columns) {
      let where: string | null = null;
      if (isCustomerRef(t, c)) where = `${quoteIdent(c.name)} in (select unnest(string_split($ids, ','))::bigint)`;
      else if (isText(c.type) && strings.length) where = strings.map((_, i) => `contains(${quoteIdent(c.name)}::varchar, $n${i})`).join(' or ');
      if (!where) continue;
      const n = await app.warehouse.scalar(`select count(*) from ${quoteIdent(t.table)} where ${where}`, paramsUsed(where, params));
      if (n > 0) out.push({ store: 'warehouse', table: t.table, column: c.name, rows: n });
    }
  }
  for (const t of await stateTables(app)) {
    if (KEPT_TABLES.has(t.table)) continue;
    for (const c of t.columns) {
      const where = isCustomerRef(t, c) ? `${quoteIdent(c.name)} in ${stateIn(ids).sql}`
        : isText(c.type) && strings.length ? strings.map((_, i) => `${quoteIdent(c.name)} like '%' || $n${i} || '%'`).join(' or ') : null;
      if (!where) continue;
      const n = await app.state.scalar(`select count(*) from ${quoteIdent(t.table)} where ${where}`, paramsUsed(where, { ...params, ...stateIn(ids).params }));
      if (n > 0) out.push({ store: 'state', table: t.table, column: c.name, rows: n });
    }
  }
  return out;
}

/** `in (…)` over customer numbers in the state store's portable SQL. */
export function stateIn(ids: number[]): { sql: string; params: Record<string, string | number> } {
  return inList('cid', ids);
}

/** Only the parameters a statement names (DuckDB refuses extra ones). */
export function paramsUsed(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  const names = new Set([...sql.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k)));
}
