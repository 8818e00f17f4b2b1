/**
 * The consent ledger (同意记录): append-only rows per customer × purpose in `consents`. Nothing is updated in
 * place; withdrawal is a new row and takes effect at once because every check reads the latest row.
 */
import type { App } from '../app/context.ts';
import { isPurpose, PURPOSES, type ConsentEntry, type ConsentStatus, type ConsentSubject, type Purpose } from '../domain/privacy/consent.ts';
import { UserError } from '../errors.ts';
import { scrub } from '../logging.ts';
import { AUDIT_ACTIONS } from './trail.ts';

export interface ConsentInput {
  customerId: number;
  purpose: string;
  status: ConsentStatus;
  /** ISO time; now when absent. */
  changedAt?: string;
  source?: string;
  evidence?: string;
  policyVersion?: string;
}

export function assertPurpose(p: string): asserts p is Purpose {
  if (!isPurpose(p)) throw new UserError('bad_purpose', `Unknown purpose '${p}'; one of ${PURPOSES.join(', ')}.`, `未知用途 '${p}'，应为 ${PURPOSES.join('、')} 之一。`);
}

export async function assertCustomer(app: App, customerId: number): Promise<{ status: string }> {
  const c = await app.warehouse.get<{ status: string }>('select status from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!c) throw new UserError('no_customer', `No customer ${customerId}.`, `客户 ${customerId} 不存在。`, 404);
  return c;
}

/** Records one grant or withdrawal; audited. Evidence is scrubbed of phones and e-mails (it is a reference, not PII). */
export async function recordConsent(app: App, c: ConsentInput): Promise<{ id: number }> {
  assertPurpose(c.purpose);
  if (c.status !== 'granted' && c.status !== 'withdrawn') throw new UserError('bad_status', `Status must be granted or withdrawn, not '${c.status}'.`, `状态必须是 granted 或 withdrawn。`);
  const cust = await assertCustomer(app, c.customerId);
  if (cust.status === 'erased') throw new UserError('customer_erased', `Customer ${c.customerId} has been erased.`, `客户 ${c.customerId} 已被删除。`, 410);
  const at = c.changedAt ? new Date(c.changedAt) : new Date();
  if (Number.isNaN(at.getTime())) throw new UserError('bad_time', `'${c.changedAt}' is not a time.`, `'${c.changedAt}' 不是有效时间。`);
  const row = await app.warehouse.get<{ id: number }>(
    `insert into consents (workspace_id, customer_id, purpose, status, changed_at, source, evidence, policy_version)
     values ($ws, $cid, $purpose, $status, $at::timestamp, $source, $evidence, $pv) returning id`,
    { ws: app.workspaceId, cid: c.customerId, purpose: c.purpose, status: c.status, at: at.toISOString().replace('T', ' ').replace('Z', ''), source: c.source ?? null, evidence: c.evidence ? scrub(c.evidence) : null, pv: c.policyVersion ?? null },
  );
  await app.audit({ actor: '', action: AUDIT_ACTIONS.consent, target: `customer:${c.customerId}`, detail: { purpose: c.purpose, status: c.status, source: c.source, policy_version: c.policyVersion } });
  return { id: Number(row!.id) };
}

export type ConsentRow = { id: number; purpose: string; status: ConsentStatus; changed_at: string; source: string | null; evidence: string | null; policy_version: string | null };

/** The full history of one customer, oldest first. */
export async function consentHistory(app: Pick<App, 'warehouse' | 'workspaceId'>, customerId: number): Promise<ConsentRow[]> {
  return app.warehouse.all<ConsentRow>(
    `select id, purpose, status, strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%gZ') as changed_at, source, evidence, policy_version
     from consents where workspace_id = $ws and customer_id = $cid order by changed_at, id`,
    { ws: app.workspaceId, cid: customerId },
  );
}

/** What the pure policy needs about one customer. */
export async function loadSubject(app: Pick<App, 'warehouse' | 'workspaceId'>, customerId: number): Promise<ConsentSubject | null> {
  const c = await app.warehouse.get<{ status: string; is_minor: boolean; birth_year: number | null; birth_md: string | null }>(
    'select status, is_minor, birth_year, birth_md from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!c) return null;
  const consents: ConsentEntry[] = (await consentHistory(app, customerId)).map((r) => ({ purpose: r.purpose, status: r.status, changedAt: r.changed_at, id: Number(r.id) }));
  return { status: c.status, isMinor: c.is_minor, birthYear: c.birth_year, birthMd: c.birth_md, consents };
}

/** Per purpose: customers whose latest entry is granted / withdrawn, and how many may be used now. */
export async function consentSummary(app: App): Promise<{ purpose: string; granted: number; withdrawn: number; permitted: number }[]> {
  const out = [];
  for (const p of PURPOSES) {
    const r = await app.warehouse.get<{ granted: number; withdrawn: number }>(
      `select count(*) filter (where status = 'granted') as granted, count(*) filter (where status = 'withdrawn') as withdrawn
       from consent_latest where workspace_id = $ws and purpose = $p`, { ws: app.workspaceId, p });
    const permitted = await app.warehouse.scalar('select count(*) from permitted_customers($ws, $p)', { ws: app.workspaceId, p });
    out.push({ purpose: p, granted: Number(r?.granted ?? 0), withdrawn: Number(r?.withdrawn ?? 0), permitted });
  }
  return out;
}

/** The purposes whose entry in force is a grant, for one customer (what a withdrawal of "all" withdraws). */
export async function grantedPurposes(app: Pick<App, 'warehouse' | 'workspaceId'>, customerId: number): Promise<string[]> {
  const rows = await app.warehouse.all<{ purpose: string }>(`select purpose from consent_latest where workspace_id = $ws and customer_id = $id and status = 'granted' order by purpose`, { ws: app.workspaceId, id: customerId });
  return rows.map((r) => r.purpose);
}

/**
 * Erasure's part in the ledger: the ledger entries of these customers (the person and everyone merged into them) are
 * removed; returns how many. (The warehouse's copy is removed by erasure's catalogue cascade.)
 */
export async function eraseConsents(app: Pick<App, 'warehouse' | 'workspaceId'>, customerIds: number[]): Promise<number> {
  if (!customerIds.length) return 0;
  return app.warehouse.scalar(`select count(*) from consents where workspace_id = $ws and list_contains($ids, customer_id)`, { ws: app.workspaceId, ids: customerIds });
}
