/**
 * Access and portability (查阅、复制、可携带权, PIPL arts. 45): a copy of everything held about the person,
 * decrypted, as one JSON document and one CSV file per table. Every copy is audited as a PII read and an export.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../app/context.ts';
import { decrypt } from '../../domain/privacy/cipher.ts';
import { UserError } from '../../errors.ts';
import { auditExport, auditPiiRead } from '../trail.ts';
import { baseTables, personIds, quoteIdent, CUSTOMER_REF_COLUMNS } from './person.ts';
import { requestFor, completeRequest } from './requests.ts';

export interface SubjectCopy {
  generated_at: string;
  customer: number;
  request: number;
  tables: Record<string, Record<string, unknown>[]>;
}

/** Tables never part of the copy: the audit log (about operators) and migration bookkeeping. */
const NOT_COPIED = new Set(['audit_log', 'schema_migrations']);

export async function subjectCopy(app: App, customerId: number, opts: { requestId?: number; kind?: 'access' | 'portability' } = {}): Promise<SubjectCopy> {
  const exists = await app.warehouse.scalar('select count(*) from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!exists) throw new UserError('no_customer', `No customer ${customerId}.`, `客户 ${customerId} 不存在。`, 404);
  const req = await requestFor(app, customerId, opts.kind ?? 'access', opts.requestId);
  const ids = await personIds(app, customerId);
  const tables: SubjectCopy['tables'] = {};
  const decrypted = new Set<string>();
  for (const t of await baseTables(app)) {
    if (NOT_COPIED.has(t.table)) continue;
    const refs = t.columns.filter((c) => (CUSTOMER_REF_COLUMNS.includes(c.name) || (t.table === 'customers' && c.name === 'id')) && /INT/i.test(c.type));
    if (!refs.length) continue;
    const where = refs.map((c) => `${quoteIdent(c.name)} in (select unnest(string_split($ids, ','))::bigint)`).join(' or ');
    const hasWs = t.columns.some((c) => c.name === 'workspace_id');
    const select = t.columns.map((c) => (/^(JSON|TIMESTAMP|DATE)/i.test(c.type) ? `${quoteIdent(c.name)}::varchar as ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
    const rows = await app.warehouse.all(`select ${select} from ${quoteIdent(t.table)} where ${hasWs ? 'workspace_id = $ws and ' : ''}(${where})`, hasWs ? { ws: app.workspaceId, ids: ids.join(',') } : { ids: ids.join(',') });
    if (!rows.length) continue;
    tables[t.table] = rows.map((r) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k.endsWith('_cipher') && typeof v === 'string') {
          o[k.replace(/_cipher$/, '')] = tryDecrypt(app, v);
          decrypted.add(`${t.table}.${k}`);
        } else if (!k.endsWith('_hash') && !k.endsWith('_masked')) {
          o[k] = typeof v === 'bigint' ? Number(v) : v;
        }
      }
      return o;
    });
  }
  const rows = Object.values(tables).reduce((s, r) => s + r.length, 0);
  await auditPiiRead(app, { customerId, fields: [...decrypted], purpose: `dsr:${req.id}` });
  await auditExport(app, { what: 'dsr_copy', id: String(req.id), rows, masked: false, format: 'json+csv' });
  await completeRequest(app, req.id, 'done', { tables: Object.keys(tables).length, rows });
  return { generated_at: new Date().toISOString(), customer: customerId, request: req.id, tables };
}

function tryDecrypt(app: App, v: string): string | null {
  try {
    return decrypt(app.keys, v);
  } catch {
    return null;
  }
}

/** Writes the copy as `subject.json` and `<table>.csv` files (0600) into `dir`; returns the file names. */
export function writeBundle(copy: SubjectCopy, dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = ['subject.json'];
  writeFileSync(join(dir, 'subject.json'), JSON.stringify(copy, null, 2), { mode: 0o600 });
  for (const [table, rows] of Object.entries(copy.tables)) {
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))];
    writeFileSync(join(dir, `${table}.csv`), `\uFEFF${lines.join('\r\n')}\r\n`, { mode: 0o600 });
    files.push(`${table}.csv`);
  }
  return files;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
