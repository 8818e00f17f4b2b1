/** Tracking of data-subject requests (dsr_requests): open, complete, list with due dates. */
import type { App } from '../../app/context.ts';
import { dueDate, isDsrKind, isOverdue, DSR_KINDS, type DsrKind } from '../../domain/privacy/dsr.ts';
import { UserError } from '../../errors.ts';
import { AUDIT_ACTIONS } from '../trail.ts';

type Db = Pick<App, 'warehouse' | 'workspaceId' | 'audit' | 'actor'>;

export type DsrRow = { id: number; customer_id: number | null; kind: string; status: string; received_at: string; due_at: string; completed_at: string | null; channel: string | null; note: string | null; handled_by: string | null; result: string | null; overdue?: boolean };

const iso = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

export async function openRequest(app: Db, r: { customerId: number | null; kind: string; channel?: string; note?: string; receivedAt?: string }): Promise<DsrRow> {
  if (!isDsrKind(r.kind)) throw new UserError('bad_kind', `Request kind must be one of ${DSR_KINDS.join(', ')}.`, `请求类型必须是 ${DSR_KINDS.join('、')} 之一。`);
  const received = r.receivedAt ? new Date(r.receivedAt) : new Date();
  if (Number.isNaN(received.getTime())) throw new UserError('bad_time', `'${r.receivedAt}' is not a time.`, `'${r.receivedAt}' 不是有效时间。`);
  const row = await app.warehouse.get<{ id: number }>(
    `insert into dsr_requests (workspace_id, customer_id, kind, received_at, due_at, channel, note) values ($ws, $cid, $kind, $rec::timestamp, $due::timestamp, $ch, $note) returning id`,
    { ws: app.workspaceId, cid: r.customerId, kind: r.kind, rec: iso(received), due: iso(dueDate(received)), ch: r.channel ?? null, note: r.note ?? null },
  );
  await app.audit({ actor: '', action: `${AUDIT_ACTIONS.dsr}.open`, target: `dsr:${row!.id}`, detail: { kind: r.kind, customer: r.customerId } });
  return (await getRequest(app, Number(row!.id)))!;
}

export async function completeRequest(app: Db, id: number, status: 'done' | 'rejected', result: Record<string, unknown>): Promise<DsrRow> {
  await app.warehouse.run(
    `update dsr_requests set status = $s, completed_at = current_timestamp, handled_by = $by, result = $res::json where workspace_id = $ws and id = $id`,
    { s: status, by: app.actor, res: JSON.stringify(result), ws: app.workspaceId, id },
  );
  await app.audit({ actor: '', action: `${AUDIT_ACTIONS.dsr}.${status}`, target: `dsr:${id}` });
  return (await getRequest(app, id))!;
}

const COLS = `id, customer_id, kind, status, strftime(received_at, '%Y-%m-%dT%H:%M:%SZ') as received_at, strftime(due_at, '%Y-%m-%dT%H:%M:%SZ') as due_at,
  strftime(completed_at, '%Y-%m-%dT%H:%M:%SZ') as completed_at, channel, note, handled_by, result::varchar as result`;

export async function getRequest(app: Pick<App, 'warehouse' | 'workspaceId'>, id: number): Promise<DsrRow | undefined> {
  const r = await app.warehouse.get<DsrRow>(`select ${COLS} from dsr_requests where workspace_id = $ws and id = $id`, { ws: app.workspaceId, id });
  return r ? { ...r, id: Number(r.id), customer_id: r.customer_id === null ? null : Number(r.customer_id), overdue: isOverdue(r) } : undefined;
}

export async function listRequests(app: Pick<App, 'warehouse' | 'workspaceId'>, f: { status?: string; overdue?: boolean } = {}): Promise<DsrRow[]> {
  const rows = await app.warehouse.all<DsrRow>(`select ${COLS} from dsr_requests where workspace_id = $ws and ($s is null or status = $s) order by id`, { ws: app.workspaceId, s: f.status ?? null });
  return rows.map((r) => ({ ...r, id: Number(r.id), customer_id: r.customer_id === null ? null : Number(r.customer_id), overdue: isOverdue(r) })).filter((r) => !f.overdue || r.overdue);
}

/** The open request of this kind for the customer, or a new one (a command run directly is its own request). */
export async function requestFor(app: Db, customerId: number, kind: DsrKind, requestId?: number): Promise<DsrRow> {
  if (requestId) {
    const r = await getRequest(app, requestId);
    if (!r) throw new UserError('no_request', `No request ${requestId}.`, `请求 ${requestId} 不存在。`, 404);
    if (r.status !== 'open') throw new UserError('request_closed', `Request ${requestId} is already ${r.status}.`, `请求 ${requestId} 已处理（${r.status}）。`, 409);
    return r;
  }
  return openRequest(app, { customerId, kind, channel: 'operator' });
}
