/**
 * Rectification (更正权, art. 46), restriction (限制处理, art. 44) and withdrawal of consent (撤回同意, art. 15),
 * each tracked as a request and audited.
 */
import { withIdentityLock } from '../../identity/lock.ts';
import type { App } from '../../app/context.ts';
import { encrypt, keyedHash } from '../../domain/privacy/cipher.ts';
import { maskIdentifier, maskName, maskText } from '../../domain/privacy/mask.ts';
import { normalizeIdentifier, type IdType } from '../../domain/privacy/normalize.ts';
import { PURPOSES } from '../../domain/privacy/consent.ts';
import { UserError } from '../../errors.ts';
import { auditChange } from '../trail.ts';
import { grantedPurposes, recordConsent } from '../consentLedger.ts';
import { requestFor, completeRequest, type DsrRow } from './requests.ts';

export const RECTIFIABLE = ['name', 'birthday', 'gender', 'province', 'city', 'phone', 'email', 'member_no'] as const;
export type RectifiableField = (typeof RECTIFIABLE)[number];

async function customerStatus(app: App, id: number): Promise<string> {
  const r = await app.warehouse.get<{ status: string }>('select status from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id });
  if (!r) throw new UserError('no_customer', `No customer ${id}.`, `客户 ${id} 不存在。`, 404);
  return r.status;
}

export async function rectify(app: App, customerId: number, field: string, value: string, opts: { requestId?: number } = {}): Promise<DsrRow> {
  await customerStatus(app, customerId);
  if (!(RECTIFIABLE as readonly string[]).includes(field)) throw new UserError('bad_field', `Field must be one of ${RECTIFIABLE.join(', ')}.`, `字段必须是 ${RECTIFIABLE.join('、')} 之一。`);
  const req = await requestFor(app, customerId, 'rectification', opts.requestId);
  const p = { ws: app.workspaceId, id: customerId };
  try {
    await applyRectification(app, p, field, value);
  } catch (e) {
    if (!opts.requestId && e instanceof UserError) await completeRequest(app, req.id, 'rejected', { field, error: e.code });
    throw e;
  }
  await app.warehouse.checkpoint();
  await auditChange(app, { target: `customer:${customerId}`, fields: [field], reason: `dsr:${req.id}` });
  return completeRequest(app, req.id, 'done', { field });
}

async function applyRectification(app: App, p: { ws: number; id: number }, field: string, value: string): Promise<void> {
  // Under the identity lock: a rectified identifier is an identity write like an import's (see identity/lock.ts).
  await withIdentityLock(() => app.warehouse.transaction(async () => {
    if (field === 'name') {
      await app.warehouse.run('update customers set name_cipher = $c, name_masked = $m, updated_at = current_timestamp where workspace_id = $ws and id = $id', { ...p, c: encrypt(app.keys, value.trim()), m: maskName(value) });
    } else if (field === 'birthday') {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
      if (!m) throw new UserError('bad_birthday', 'Birthday must be YYYY-MM-DD.', '生日格式应为 YYYY-MM-DD。');
      await app.warehouse.run('update customers set birthday_cipher = $c, birth_year = $y, birth_md = $md, updated_at = current_timestamp where workspace_id = $ws and id = $id', { ...p, c: encrypt(app.keys, value.trim()), y: Number(m[1]), md: `${m[2]}-${m[3]}` });
    } else if (field === 'gender' || field === 'province' || field === 'city') {
      // free text at rest: phones and e-mails masked, as an import masks them
      await app.warehouse.run(`update customers set ${field} = $v, updated_at = current_timestamp where workspace_id = $ws and id = $id`, { ...p, v: maskText(value.trim()) });
    } else {
      const type = field as IdType;
      const norm = normalizeIdentifier(type, value);
      if (!norm) throw new UserError('bad_identifier', `'${field}' is not valid.`, `${field} 格式无效。`);
      const hash = keyedHash(app.keys, type, norm);
      const taken = await app.warehouse.scalar('select count(*) from customer_identifiers where workspace_id = $ws and id_type = $t and id_hash = $h and customer_id <> $id', { ...p, t: type, h: hash });
      if (taken) throw new UserError('identifier_taken', `That ${field} belongs to another customer; merge them instead.`, `该${field}属于另一位客户，请改用合并。`, 409);
      await app.warehouse.run(`delete from customer_identifiers where workspace_id = $ws and customer_id = $id and id_type = $t and namespace = ''`, { ...p, t: type });
      await app.warehouse.run(
        `insert into customer_identifiers (workspace_id, id_type, namespace, id_hash, id_cipher, id_masked, customer_id, source) values ($ws, $t, '', $h, $c, $m, $id, 'dsr')`,
        { ...p, t: type, h: hash, c: encrypt(app.keys, norm), m: maskIdentifier(type, norm) },
      );
    }
  }));
}

/** Restriction: the customer is kept but used for nothing (the policy excludes non-active customers). */
export async function restrict(app: App, customerId: number, lift = false, opts: { requestId?: number } = {}): Promise<DsrRow> {
  const status = await customerStatus(app, customerId);
  if (status === 'merged') throw new UserError('customer_merged', `Customer ${customerId} was merged; act on the surviving record.`, `客户 ${customerId} 已被合并，请对合并后的客户操作。`, 409);
  const req = await requestFor(app, customerId, 'restriction', opts.requestId);
  await app.warehouse.run('update customers set status = $s, updated_at = current_timestamp where workspace_id = $ws and id = $id', { ws: app.workspaceId, id: customerId, s: lift ? 'active' : 'restricted' });
  await app.warehouse.checkpoint();
  await auditChange(app, { target: `customer:${customerId}`, fields: ['status'], reason: `dsr:${req.id}:${lift ? 'lift' : 'restrict'}` });
  return completeRequest(app, req.id, 'done', { status: lift ? 'active' : 'restricted' });
}

/** Withdraws consent for one purpose or for every purpose currently granted. */
export async function withdrawAll(app: App, customerId: number, purpose: string | 'all', opts: { requestId?: number; source?: string } = {}): Promise<DsrRow> {
  await customerStatus(app, customerId);
  const req = await requestFor(app, customerId, 'withdrawal', opts.requestId);
  const granted = await grantedPurposes(app, customerId);
  const targets = purpose === 'all' ? [...new Set([...granted, 'analytics'])] : [purpose];
  for (const p of targets) {
    if (!(PURPOSES as string[]).includes(p)) throw new UserError('bad_purpose', `Unknown purpose '${p}'.`, `未知用途 '${p}'。`);
    await recordConsent(app, { customerId, purpose: p, status: 'withdrawn', source: opts.source ?? 'dsr', evidence: `dsr:${req.id}` });
  }
  return completeRequest(app, req.id, 'done', { withdrawn: targets });
}
