/**
 * The consent ledger (同意记录), in the state store: append-only entries per subject × purpose (state migration 040).
 * Nothing is updated in place; a withdrawal is a new entry and takes effect at once, because every check reads the
 * latest entry from the ledger itself. The entries in force for a customer are those of the customer and of every
 * customer merged into them (`subjectsOf`), so merges never rewrite the ledger and an unmerge gives each person back
 * their own. Analytics read the warehouse's copy (src/privacy/consentCopy.ts).
 */
import type { App } from '../app/context.ts';
import { isPurpose, latestConsent, PURPOSES, type ConsentEntry, type ConsentStatus, type ConsentSubject, type Purpose } from '../domain/privacy/consent.ts';
import { UserError } from '../errors.ts';
import { maskText } from '../domain/privacy/mask.ts';
import { AUDIT_ACTIONS } from './trail.ts';
import { nextChanges } from '../store/sync.ts';
import { inList } from '../store/state/list.ts';
import { syncConsentCopy } from './consentCopy.ts';

type Stores = Pick<App, 'warehouse' | 'state' | 'workspaceId'>;

export interface ConsentInput {
  customerId: number;
  purpose: string;
  status: ConsentStatus;
  /** ISO time; now when absent. */
  changedAt?: string;
  source?: string;
  evidence?: string;
  policyVersion?: string;
  /** A key naming where the entry comes from (a collected event): the same origin is recorded once. */
  origin?: string;
}

export function assertPurpose(p: string): asserts p is Purpose {
  if (!isPurpose(p)) throw new UserError('bad_purpose', `Unknown purpose '${p}'; one of ${PURPOSES.join(', ')}.`, `未知用途 '${p}'，应为 ${PURPOSES.join('、')} 之一。`);
}

export async function assertCustomer(app: Pick<App, 'warehouse' | 'workspaceId'>, customerId: number): Promise<{ status: string }> {
  const c = await app.warehouse.get<{ status: string }>('select status from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!c) throw new UserError('no_customer', `No customer ${customerId}.`, `客户 ${customerId} 不存在。`, 404);
  return c;
}

/** Records one grant or withdrawal; audited. Free text (source, evidence, policy version) has its phones and e-mails masked where they stand, as imports do. */
export async function recordConsent(app: App, c: ConsentInput): Promise<{ id: number }> {
  assertPurpose(c.purpose);
  if (c.status !== 'granted' && c.status !== 'withdrawn') throw new UserError('bad_status', `Status must be granted or withdrawn, not '${c.status}'.`, `状态必须是 granted 或 withdrawn。`);
  const cust = await assertCustomer(app, c.customerId);
  if (cust.status === 'erased') throw new UserError('customer_erased', `Customer ${c.customerId} has been erased.`, `客户 ${c.customerId} 已被删除。`, 410);
  const at = c.changedAt ? new Date(c.changedAt) : new Date();
  if (Number.isNaN(at.getTime())) throw new UserError('bad_time', `'${c.changedAt}' is not a time.`, `'${c.changedAt}' 不是有效时间。`);
  const text = (v?: string) => (v ? maskText(v) : null);
  const id = await app.state.transaction(async () => {
    const seq = await nextChanges(app.state);
    const row = await app.state.get<{ id: number }>(
      `insert into consents (workspace_id, subject_id, purpose, status, changed_at, source, evidence, policy_version, recorded_at, origin, change_seq)
       values ($ws, $subject, $purpose, $status, $at, $source, $evidence, $pv, $now, $origin, $seq)
       on conflict (origin) do nothing returning id`,
      { ws: app.workspaceId, subject: c.customerId, purpose: c.purpose, status: c.status, at: at.getTime(), source: text(c.source), evidence: text(c.evidence),
        pv: text(c.policyVersion), now: Date.now(), origin: c.origin ?? null, seq },
    );
    if (row) return Number(row.id);
    return app.state.scalar('select id from consents where origin = $origin', { origin: c.origin });
  });
  await syncConsentCopy(app);
  await app.audit({ actor: '', action: AUDIT_ACTIONS.consent, target: `customer:${c.customerId}`, detail: { purpose: c.purpose, status: c.status, source: text(c.source), policy_version: text(c.policyVersion) } });
  return { id };
}

/** The customer and every customer merged into them (directly or down a chain): whose entries are theirs now. */
export async function subjectsOf(app: Pick<App, 'warehouse' | 'workspaceId'>, customerId: number): Promise<number[]> {
  const rows = await app.warehouse.all<{ id: number }>(
    `with recursive d(id, depth) as (
       select cast($c as bigint), 0
       union all
       select c.id, d.depth + 1 from customers c join d on c.workspace_id = $ws and c.merged_into = d.id and c.status = 'merged' where d.depth < 64)
     select distinct id from d order by id`,
    { ws: app.workspaceId, c: customerId },
  );
  return rows.map((r) => Number(r.id));
}

export type ConsentRow = { id: number; purpose: string; status: ConsentStatus; changed_at: string; source: string | null; evidence: string | null; policy_version: string | null };

/** The full history of one customer (their own entries and those of everyone merged into them), oldest first. */
export async function consentHistory(app: Stores, customerId: number): Promise<ConsentRow[]> {
  const subjects = inList('s', await subjectsOf(app, customerId));
  const rows = await app.state.all<Omit<ConsentRow, 'changed_at'> & { changed_at: number }>(
    `select id, purpose, status, changed_at, source, evidence, policy_version from consents
     where workspace_id = $ws and subject_id in ${subjects.sql} order by changed_at, id`,
    { ws: app.workspaceId, ...subjects.params },
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), changed_at: new Date(Number(r.changed_at)).toISOString() }));
}

/** What the pure policy needs about one customer: their status and age (warehouse), their ledger (state). */
export async function loadSubject(app: Stores, customerId: number): Promise<ConsentSubject | null> {
  const c = await app.warehouse.get<{ status: string; is_minor: boolean; birth_year: number | null; birth_md: string | null }>(
    'select status, is_minor, birth_year, birth_md from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId });
  if (!c) return null;
  const consents: ConsentEntry[] = (await consentHistory(app, customerId)).map((r) => ({ purpose: r.purpose, status: r.status, changedAt: r.changed_at, id: Number(r.id) }));
  return { status: c.status, isMinor: c.is_minor, birthYear: c.birth_year, birthMd: c.birth_md, consents };
}

/** Per purpose: customers whose latest entry is granted / withdrawn, and how many may be used now (the warehouse's copy). */
export async function consentSummary(app: Pick<App, 'warehouse' | 'workspaceId'>): Promise<{ purpose: string; granted: number; withdrawn: number; permitted: number }[]> {
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
export async function grantedPurposes(app: Stores, customerId: number): Promise<string[]> {
  const history = (await consentHistory(app, customerId)).map((r) => ({ purpose: r.purpose, status: r.status, changedAt: r.changed_at, id: r.id }));
  return [...new Set(history.map((h) => h.purpose))].filter((p) => latestConsent(history, p)?.status === 'granted').sort();
}

/**
 * Erasure's part in the ledger: the entries whose subject is one of these customers (the person and everyone merged
 * into them) are deleted, each deletion recorded as a change (`consent_erasures`: the entry's id and the change
 * number, nothing of the person) that the warehouse's copy follows — so the copy never keeps what the ledger erased,
 * whichever store a crash interrupts. Run it before the warehouse's part of an erasure. Returns how many entries.
 */
export async function eraseConsents(app: Stores, customerIds: number[]): Promise<number> {
  if (!customerIds.length) return 0;
  const ids = inList('c', customerIds);
  const n = await app.state.transaction(async () => {
    const rows = await app.state.all<{ id: number }>(`select id from consents where workspace_id = $ws and subject_id in ${ids.sql} order by id`, { ws: app.workspaceId, ...ids.params });
    if (!rows.length) return 0;
    let seq = (await nextChanges(app.state, rows.length)) - rows.length;
    for (const r of rows) {
      await app.state.run(`insert into consent_erasures (consent_id, change_seq) values ($id, $seq) on conflict (consent_id) do update set change_seq = excluded.change_seq`, { id: r.id, seq: ++seq });
      await app.state.run(`delete from consents where id = $id`, { id: r.id });
    }
    return rows.length;
  });
  await syncConsentCopy(app);
  return n;
}
