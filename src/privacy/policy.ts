/**
 * The one consent policy every use point calls (同意校验): segment export, message send, recommendation,
 * partner sharing, sensitive data. Single customers go through the pure `canUse`; lists go through the SQL
 * macro `permitted_customers(ws, purpose)` (migration 030) — the same rules, kept identical by a property test.
 *
 *   const { sql, params } = consentFilter('marketing_sms', 'c.id');
 *   await db.all(`select … from customers c where c.workspace_id = $ws and ${sql}`, { ws, ...params });
 */
import type { App } from '../app/context.ts';
import { canUse, recommendationMode, marketingPurpose, type Decision, type Purpose } from '../domain/privacy/consent.ts';
import { assertPurpose, loadSubject } from './consentLedger.ts';

type Db = Pick<App, 'warehouse' | 'state' | 'workspaceId'>;

/** Today as the store sees it ('YYYY-MM-DD'), so single checks and the SQL macro agree on who is under 14. */
export async function storeToday(app: Db): Promise<string> {
  const r = await app.warehouse.get<{ d: string }>(`select strftime(current_date, '%Y-%m-%d') as d`);
  return r!.d;
}

/** May this customer's data be used for `purpose` now? */
export async function canUseCustomer(app: Db, purpose: Purpose, customerId: number): Promise<Decision> {
  assertPurpose(purpose);
  const s = await loadSubject(app, customerId);
  if (!s) return { allowed: false, reason: 'not_active' };
  return canUse(purpose, s, await storeToday(app));
}

/**
 * A SQL predicate keeping only customers permitted for `purpose`. `column` is the customer-id expression of the
 * caller's query (code, never user text); the query must bind `$ws`.
 */
export function consentFilter(purpose: Purpose, column = 'customer_id'): { sql: string; params: { consent_purpose: Purpose } } {
  assertPurpose(purpose);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(column)) throw new Error(`consentFilter: '${column}' is not a column name`);
  return { sql: `${column} in (select customer_id from permitted_customers($ws, $consent_purpose))`, params: { consent_purpose: purpose } };
}

/** Splits a list of customer ids into those permitted for `purpose` and the number left out. */
export async function filterPermitted(app: Db, purpose: Purpose, ids: number[]): Promise<{ allowed: number[]; excluded: number }> {
  assertPurpose(purpose);
  if (ids.length === 0) return { allowed: [], excluded: 0 };
  const rows = await app.warehouse.all<{ id: number }>(
    `select unnest(string_split($ids, ','))::bigint as id intersect select customer_id from permitted_customers($ws, $p)`,
    { ids: ids.map((i) => String(Math.trunc(i))).join(','), ws: app.workspaceId, p: purpose },
  );
  const allowed = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  return { allowed, excluded: new Set(ids).size - allowed.length };
}

/** Message send: the customers of an audience who may receive marketing on this channel. */
export function sendable(app: Db, channel: string, ids: number[]): Promise<{ allowed: number[]; excluded: number }> {
  return filterPermitted(app, marketingPurpose(channel), ids);
}

/** Partner sharing (art. 23): separate consent to third-party provision. */
export function shareable(app: Db, ids: number[]): Promise<{ allowed: number[]; excluded: number }> {
  return filterPermitted(app, 'third_party', ids);
}

/** Recommendation (art. 24): personalised only with consent, otherwise the non-personalised result. */
export async function recommendationModeFor(app: Db, customerId: number): Promise<'personalised' | 'non_personalised'> {
  const s = await loadSubject(app, customerId);
  return s ? recommendationMode(s, await storeToday(app)) : 'non_personalised';
}
