/**
 * Access and portability (查阅、复制、可携带权, PIPL art. 45): a copy of everything held about the person, in both
 * stores, decrypted, as one JSON document, one CSV file per table and a README (zh/en) explaining each file. Internal
 * columns and totals recomputed from the orders are left out. An open access request of the customer is fulfilled
 * (not a second one opened). Every copy is audited as a PII read and an export.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../app/context.ts';
import { decrypt } from '../../domain/privacy/cipher.ts';
import { bundleReadme, csvCell, INTERNAL_COLUMNS, NOT_COPIED } from '../../domain/privacy/subjectBundle.ts';
import { UserError } from '../../errors.ts';
import { auditExport, auditPiiRead } from '../trail.ts';
import { baseTables, stateTables, personIds, quoteIdent, isCustomerRef, stateIn, paramsUsed, type TableInfo } from './person.ts';
import { requestFor, completeRequest } from './requests.ts';

export interface SubjectCopy {
  generated_at: string;
  customer: number;
  request: number;
  tables: Record<string, Record<string, unknown>[]>;
}

/** Tables of the warehouse whose authoritative rows are in the state store: copied from there. */
const FROM_STATE = new Set(['consents', 'dsr_requests']);

export async function subjectCopy(app: App, customerId: number, opts: { requestId?: number; kind?: 'access' | 'portability' } = {}): Promise<SubjectCopy> {
  const exists = await app.warehouse.scalar('select count(*) from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!exists) throw new UserError('no_customer', `No customer ${customerId}.`, `客户 ${customerId} 不存在。`, 404);
  const req = await requestFor(app, customerId, opts.kind ?? 'access', opts.requestId);
  const ids = await personIds(app, customerId);
  const tables: SubjectCopy['tables'] = {};
  const decrypted = new Set<string>();
  const keep = (t: TableInfo, rows: Record<string, unknown>[]) => {
    if (rows.length) tables[t.table] = rows.map((r) => readable(app, t.table, r, decrypted));
  };
  for (const t of await baseTables(app)) {
    if (NOT_COPIED.has(t.table) || FROM_STATE.has(t.table)) continue;
    const refs = t.columns.filter((c) => isCustomerRef(t, c));
    if (!refs.length) continue;
    const where = refs.map((c) => `${quoteIdent(c.name)} in (select unnest(string_split($ids, ','))::bigint)`).join(' or ');
    const hasWs = t.columns.some((c) => c.name === 'workspace_id');
    const select = t.columns.map((c) => (/^(JSON|TIMESTAMP|DATE)/i.test(c.type) ? `${quoteIdent(c.name)}::varchar as ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
    keep(t, await app.warehouse.all(`select ${select} from ${quoteIdent(t.table)} where ${hasWs ? 'workspace_id = $ws and ' : ''}(${where})`, hasWs ? { ws: app.workspaceId, ids: ids.join(',') } : { ids: ids.join(',') }));
  }
  const list = stateIn(ids);
  for (const t of await stateTables(app)) {
    if (NOT_COPIED.has(t.table)) continue;
    const refs = t.columns.filter((c) => isCustomerRef(t, c));
    if (!refs.length) continue;
    const hasWs = t.columns.some((c) => c.name === 'workspace_id');
    const where = `${hasWs ? 'workspace_id = $ws and ' : ''}(${refs.map((c) => `${quoteIdent(c.name)} in ${list.sql}`).join(' or ')})`;
    const rows = await app.state.all(`select * from ${quoteIdent(t.table)} where ${where}`, paramsUsed(where, { ws: app.workspaceId, ...list.params }));
    // an instant of the state store is epoch ms: shown as a time
    keep(t, rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k.endsWith('_at') && typeof v === 'number' ? new Date(v).toISOString() : v]))));
  }
  const rows = Object.values(tables).reduce((s, r) => s + r.length, 0);
  await auditPiiRead(app, { customerId, fields: [...decrypted], purpose: `dsr:${req.id}` });
  await auditExport(app, { what: 'dsr_copy', id: String(req.id), rows, masked: false, format: 'json+csv' });
  await completeRequest(app, req.id, 'done', { tables: Object.keys(tables).length, rows });
  return { generated_at: new Date().toISOString(), customer: customerId, request: req.id, tables };
}

/** A row as the person reads it: ciphertexts decrypted, hashes, masked forms and internal columns left out. */
function readable(app: App, table: string, r: Record<string, unknown>, decrypted: Set<string>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (INTERNAL_COLUMNS.has(k) || k.endsWith('_hash') || k.endsWith('_masked')) continue;
    if (k.endsWith('_cipher')) {
      if (typeof v !== 'string') continue;
      o[k.replace(/_cipher$/, '')] = tryDecrypt(app, v);
      decrypted.add(`${table}.${k}`);
    } else {
      o[k] = typeof v === 'bigint' ? Number(v) : v;
    }
  }
  return o;
}

function tryDecrypt(app: App, v: string): string | null {
  try {
    return decrypt(app.keys, v);
  } catch {
    return null;
  }
}

/** Writes the copy as `subject.json`, `<table>.csv` files and `README.md` (all 0600, the folder 0700); returns the names. */
export function writeBundle(copy: SubjectCopy, dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = ['README.md', 'subject.json'];
  writeFileSync(join(dir, 'README.md'), bundleReadme(copy), { mode: 0o600 });
  writeFileSync(join(dir, 'subject.json'), JSON.stringify(copy, null, 2), { mode: 0o600 });
  for (const [table, rows] of Object.entries(copy.tables)) {
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))];
    writeFileSync(join(dir, `${table}.csv`), `\uFEFF${lines.join('\r\n')}\r\n`, { mode: 0o600 });
    files.push(`${table}.csv`);
  }
  return files;
}
