/**
 * Erasure (删除权, PIPL art. 47): removes the person from every table and file; what analytics keep is anonymous.
 *
 * - Rows that describe the person (customer, identifiers, consents, events, scores, tags, group and campaign
 *   membership, contact ownership, identity links, aggregates …) are deleted, in every table that has a
 *   customer-number column — discovered from the catalogue, so new tables are covered.
 * - Orders and coupons stay for the brand's accounts and totals, with the customer number removed (null):
 *   GMV, order counts and per-day/store/channel figures do not change; nothing links them to anyone.
 * - Any row elsewhere whose text holds one of the person's keyed hashes or ciphertexts is deleted.
 * - Quarantine and log files are rewritten without lines naming the person. (Collection WAL segments are framed
 *   binary, deleted by the collector once loaded; they are not rewritten.)
 * - The audit log and the request register keep only the internal customer number (no identifier).
 * - In the state store, the consent ledger loses the person's entries (`eraseConsents`); the trace then searches
 *   both stores, so anything left anywhere is reported and the request is marked rejected.
 * - The warehouse's changes are checkpointed before the answer: its own log is never replayed after a crash.
 */
import { withIdentityLock } from '../../identity/lock.ts';
import { readdirSync, readFileSync, statSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../app/context.ts';
import { paths } from '../../config.ts';
import { UserError } from '../../errors.ts';
import { auditErasure } from '../trail.ts';
import { baseTables, personIds, personNeedles, tracePerson, quoteIdent, isText, isCustomerRef, paramsUsed, KEPT_TABLES, type Needles, type Trace } from './person.ts';
import { eraseConsents } from '../consentLedger.ts';
import { requestFor, completeRequest } from './requests.ts';

/** Facts kept for the brand's totals, with the customer reference cut. */
export const ANONYMISED_TABLES = new Set(['orders', 'coupons']);

export interface ErasureResult {
  request: number;
  customer: number;
  customers: number[];
  deleted: Record<string, number>;
  anonymised: Record<string, number>;
  files: { file: string; lines: number }[];
  remaining: Trace[];
}

export async function eraseCustomer(app: App, customerId: number, opts: { requestId?: number } = {}): Promise<ErasureResult> {
  const exists = await app.warehouse.scalar('select count(*) from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!exists) throw new UserError('no_customer', `No customer ${customerId} (already erased?).`, `客户 ${customerId} 不存在（可能已删除）。`, 404);
  const req = await requestFor(app, customerId, 'erasure', opts.requestId);
  const ids = await personIds(app, customerId);
  const needles = await personNeedles(app, ids);
  const deleted: Record<string, number> = {};
  const anonymised: Record<string, number> = {};
  const add = (o: Record<string, number>, k: string, n: number) => { if (n > 0) o[k] = (o[k] ?? 0) + n; };
  const tables = await baseTables(app);
  // The ledger first (state): if a crash comes between, the warehouse's copy follows the ledger at the next open, and
  // the re-run of the request erases the rest.
  const ledger = await eraseConsents(app, ids);
  if (ledger) add(deleted, 'consent_ledger', ledger);
  // Under the identity lock: an import plans its resolution from the identifiers before its write transaction, so
  // a person must not be erased in between (their rows would be written onto the erased customer).
  await withIdentityLock(() => app.warehouse.transaction(async () => {
    const base = { ws: app.workspaceId, ids: ids.join(',') };
    for (const t of tables) {
      if (KEPT_TABLES.has(t.table) || t.table === 'customers') continue;
      const hasWs = t.columns.some((c) => c.name === 'workspace_id');
      for (const c of t.columns.filter((x) => isCustomerRef(t, x))) {
        const where = `${hasWs ? 'workspace_id = $ws and ' : ''}${quoteIdent(c.name)} in (select unnest(string_split($ids, ','))::bigint)`;
        const n = await app.warehouse.scalar(`select count(*) from ${quoteIdent(t.table)} where ${where}`, paramsUsed(where, base));
        if (!n) continue;
        if (ANONYMISED_TABLES.has(t.table)) {
          await app.warehouse.run(`update ${quoteIdent(t.table)} set ${quoteIdent(c.name)} = null where ${where}`, paramsUsed(where, base));
          add(anonymised, t.table, n);
        } else {
          await app.warehouse.run(`delete from ${quoteIdent(t.table)} where ${where}`, paramsUsed(where, base));
          add(deleted, t.table, n);
        }
      }
    }
    for (const [table, n] of Object.entries(await deleteByNeedles(app, tables, needles))) add(deleted, table, n);
    const where = `workspace_id = $ws and id in (select unnest(string_split($ids, ','))::bigint)`;
    add(deleted, 'customers', await app.warehouse.scalar(`select count(*) from customers where ${where}`, base));
    await app.warehouse.run(`delete from customers where ${where}`, base);
  }));
  await app.warehouse.checkpoint();
  const files = scrubFiles(app.dir, needles);
  const remaining = await tracePerson(app, ids, needles);
  await auditErasure(app, { customerId, rows: { ...deleted, ...Object.fromEntries(Object.entries(anonymised).map(([k, v]) => [`${k}(anonymised)`, v])) }, request: `dsr:${req.id}` });
  await completeRequest(app, req.id, remaining.length ? 'rejected' : 'done', { customers: ids.length, deleted, anonymised, files: files.length, remaining });
  return { request: req.id, customer: customerId, customers: ids, deleted, anonymised, files, remaining };
}

/** Deletes rows (outside the kept tables) whose text holds one of the person's hashes or ciphertexts. */
async function deleteByNeedles(app: App, tables: Awaited<ReturnType<typeof baseTables>>, needles: Needles): Promise<Record<string, number>> {
  const strings = [...needles.hashes, ...needles.ciphers];
  const out: Record<string, number> = {};
  if (!strings.length) return out;
  const params = Object.fromEntries(strings.map((s, i) => [`n${i}`, s]));
  for (const t of tables) {
    if (KEPT_TABLES.has(t.table)) continue;
    const cols = t.columns.filter((c) => isText(c.type));
    if (!cols.length) continue;
    const where = cols.map((c) => strings.map((_, i) => `contains(${quoteIdent(c.name)}::varchar, $n${i})`).join(' or ')).join(' or ');
    const n = await app.warehouse.scalar(`select count(*) from ${quoteIdent(t.table)} where ${where}`, params);
    if (n) {
      await app.warehouse.run(`delete from ${quoteIdent(t.table)} where ${where}`, params);
      out[t.table] = n;
    }
  }
  return out;
}

/** Rewrites text files in quarantine and logs without the lines that name the person. */
export function scrubFiles(dir: string, needles: Needles): { file: string; lines: number }[] {
  const strings = [...needles.hashes, ...needles.ciphers, ...needles.plaintexts].filter((s) => s.length >= 6);
  const out: { file: string; lines: number }[] = [];
  if (!strings.length) return out;
  for (const root of [paths.quarantine(dir), paths.logs(dir)]) {
    for (const f of walk(root)) {
      const buf = readFileSync(f);
      if (buf.includes(0)) continue;
      const text = buf.toString('utf8');
      if (!strings.some((s) => text.includes(s))) continue;
      const lines = text.split('\n');
      const kept = lines.filter((l) => !strings.some((s) => l.includes(s)));
      writeFileSync(`${f}.scrub`, kept.join('\n'), { mode: statSync(f).mode & 0o777 });
      renameSync(`${f}.scrub`, f);
      out.push({ file: f.slice(dir.length + 1), lines: lines.length - kept.length });
    }
  }
  return out;
}

function walk(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    const s = statSync(p);
    if (s.isDirectory()) out.push(...walk(p));
    else if (s.isFile() && s.size < 512 * 1024 * 1024) out.push(p);
  }
  return out;
}
