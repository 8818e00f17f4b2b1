/**
 * The register of data-subject requests (dsr_requests, in the state store): open, complete, list with due dates.
 * A row keeps the customer's internal number only (proof of handling that survives an erasure); its free text
 * (channel, note) is masked of phones and e-mails like every free text at rest.
 */
import type { App } from '../../app/context.ts';
import { dueDate, isDsrKind, isOverdue, DSR_KINDS, type DsrKind } from '../../domain/privacy/dsr.ts';
import { maskText } from '../../domain/privacy/mask.ts';
import { UserError } from '../../errors.ts';
import { AUDIT_ACTIONS } from '../trail.ts';

type Db = Pick<App, 'state' | 'workspaceId' | 'audit' | 'actor'>;
type Reader = Pick<App, 'state' | 'workspaceId'>;

export type DsrRow = { id: number; customer_id: number | null; kind: string; status: string; received_at: string; due_at: string; completed_at: string | null; channel: string | null; note: string | null; handled_by: string | null; result: string | null; overdue?: boolean };

type Stored = Omit<DsrRow, 'received_at' | 'due_at' | 'completed_at' | 'overdue'> & { received_at: number; due_at: number; completed_at: number | null };

const COLS = 'id, customer_id, kind, status, received_at, due_at, completed_at, channel, note, handled_by, result';
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const text = (v: string | null | undefined) => (v ? maskText(v) : null);

function row(r: Stored): DsrRow {
  const out = { ...r, id: Number(r.id), customer_id: r.customer_id === null ? null : Number(r.customer_id), received_at: iso(r.received_at)!, due_at: iso(r.due_at)!, completed_at: iso(r.completed_at) };
  return { ...out, overdue: isOverdue(out) };
}

export async function openRequest(app: Db, r: { customerId: number | null; kind: string; channel?: string; note?: string; receivedAt?: string }): Promise<DsrRow> {
  if (!isDsrKind(r.kind)) throw new UserError('bad_kind', `Request kind must be one of ${DSR_KINDS.join(', ')}.`, `请求类型必须是 ${DSR_KINDS.join('、')} 之一。`);
  const received = r.receivedAt ? new Date(r.receivedAt) : new Date();
  if (Number.isNaN(received.getTime())) throw new UserError('bad_time', `'${r.receivedAt}' is not a time.`, `'${r.receivedAt}' 不是有效时间。`);
  const created = await app.state.get<{ id: number }>(
    `insert into dsr_requests (workspace_id, customer_id, kind, received_at, due_at, channel, note) values ($ws, $cid, $kind, $rec, $due, $ch, $note) returning id`,
    { ws: app.workspaceId, cid: r.customerId, kind: r.kind, rec: received.getTime(), due: dueDate(received).getTime(), ch: text(r.channel), note: text(r.note) },
  );
  const id = Number(created!.id);
  await app.audit({ actor: '', action: `${AUDIT_ACTIONS.dsr}.open`, target: `dsr:${id}`, detail: { kind: r.kind, customer: r.customerId } });
  return (await getRequest(app, id))!;
}

export async function completeRequest(app: Db, id: number, status: 'done' | 'rejected', result: Record<string, unknown>): Promise<DsrRow> {
  await app.state.run(
    `update dsr_requests set status = $s, completed_at = $now, handled_by = $by, result = $res where workspace_id = $ws and id = $id`,
    { s: status, now: Date.now(), by: text(app.actor), res: JSON.stringify(result), ws: app.workspaceId, id },
  );
  await app.audit({ actor: '', action: `${AUDIT_ACTIONS.dsr}.${status}`, target: `dsr:${id}` });
  return (await getRequest(app, id))!;
}

export async function getRequest(app: Reader, id: number): Promise<DsrRow | undefined> {
  const r = await app.state.get<Stored>(`select ${COLS} from dsr_requests where workspace_id = $ws and id = $id`, { ws: app.workspaceId, id });
  return r ? row(r) : undefined;
}

export async function listRequests(app: Reader, f: { status?: string; overdue?: boolean; customerId?: number } = {}): Promise<DsrRow[]> {
  const rows = await app.state.all<Stored>(
    `select ${COLS} from dsr_requests where workspace_id = $ws and (cast($s as text) is null or status = $s)
     and (cast($c as bigint) is null or customer_id = $c) order by id`,
    { ws: app.workspaceId, s: f.status ?? null, c: f.customerId ?? null },
  );
  return rows.map(row).filter((r) => !f.overdue || r.overdue);
}

/**
 * The request an action answers: the one named, which must be open; else the customer's oldest open request of
 * this kind (the DPO acting on a request received earlier fulfils it); else a new one (a command run directly is
 * its own request).
 */
export async function requestFor(app: Db, customerId: number, kind: DsrKind, requestId?: number): Promise<DsrRow> {
  if (requestId) {
    const r = await getRequest(app, requestId);
    if (!r) throw new UserError('no_request', `No request ${requestId}.`, `请求 ${requestId} 不存在。`, 404);
    if (r.status !== 'open') throw new UserError('request_closed', `Request ${requestId} is already ${r.status}.`, `请求 ${requestId} 已处理（${r.status}）。`, 409);
    if (r.kind !== kind || r.customer_id !== customerId) {
      throw new UserError('request_mismatch', `Request ${requestId} is a ${r.kind} request for customer ${r.customer_id ?? '-'}, not ${kind} for ${customerId}.`,
        `请求 ${requestId} 是客户 ${r.customer_id ?? '-'} 的 ${r.kind} 请求，不是客户 ${customerId} 的 ${kind} 请求。`, 409);
    }
    return r;
  }
  const open = await app.state.get<{ id: number }>(
    `select id from dsr_requests where workspace_id = $ws and customer_id = $c and kind = $k and status = 'open' order by received_at, id limit 1`,
    { ws: app.workspaceId, c: customerId, k: kind },
  );
  if (open) return (await getRequest(app, Number(open.id)))!;
  return openRequest(app, { customerId, kind, channel: 'operator' });
}
