/**
 * The audit actions every area records (审计事件), as small helpers so that names and details stay uniform.
 * Details carry ids, counts and field names — never the personal information itself.
 *
 *   await auditPiiRead(app, { customerId: 42, fields: ['phone'], purpose: 'care_call' });
 *   await auditExport(app, { what: 'segment', id: 'vip', rows: 1200, masked: true });
 */
import type { App } from '../app/context.ts';

type Auditor = Pick<App, 'audit'> & { actor?: string };

export const AUDIT_ACTIONS = {
  piiRead: 'pii.read',
  unmask: 'pii.unmask',
  export: 'export',
  change: 'change',
  erase: 'dsr.erase',
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  admin: 'admin',
  consent: 'consent.change',
  dsr: 'dsr',
  keysRotate: 'keys.rotate',
  retention: 'retention.purge',
  share: 'share.partner',
} as const;

/** Decrypted PII was read (a profile opened, a care list printed). */
export function auditPiiRead(app: Auditor, a: { customerId?: number | string; customers?: number; fields: string[]; purpose?: string; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: AUDIT_ACTIONS.piiRead, target: a.customerId !== undefined ? `customer:${a.customerId}` : undefined, detail: { fields: a.fields, customers: a.customers, purpose: a.purpose } });
}

/** A masked value was shown in clear to someone holding the unmask permission. */
export function auditUnmask(app: Auditor, a: { customerId: number | string; fields: string[]; reason?: string; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: AUDIT_ACTIONS.unmask, target: `customer:${a.customerId}`, detail: { fields: a.fields, reason: a.reason } });
}

/** Data left the system: a segment export, a report, a data-subject copy, a partner file. */
export function auditExport(app: Auditor, a: { what: string; id?: string; rows: number; masked: boolean; format?: string; excluded?: number; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: AUDIT_ACTIONS.export, target: a.id ? `${a.what}:${a.id}` : a.what, detail: { rows: a.rows, masked: a.masked, format: a.format, excluded_without_consent: a.excluded } });
}

/** Personal information changed (rectification, import update, merge). */
export function auditChange(app: Auditor, a: { target: string; fields: string[]; reason?: string; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: AUDIT_ACTIONS.change, target: a.target, detail: { fields: a.fields, reason: a.reason } });
}

/** A person's data was erased (data-subject request or retention). */
export function auditErasure(app: Auditor, a: { customerId: number | string; rows: Record<string, number>; request?: string; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: AUDIT_ACTIONS.erase, target: `customer:${a.customerId}`, detail: { rows: a.rows, request: a.request } });
}

/** A console login (or a failed one: the user name is not PII of a customer, but we keep only the account id). */
export function auditLogin(app: Auditor, a: { user: string; ok: boolean; via: 'password' | 'api_key'; ip?: string }): Promise<void> {
  return app.audit({ actor: a.user, action: a.ok ? AUDIT_ACTIONS.login : AUDIT_ACTIONS.loginFailed, target: `user:${a.user}`, detail: { via: a.via, ip: a.ip } });
}

/** An administrative act: users, roles, keys, settings, retention policies. */
export function auditAdmin(app: Auditor, a: { what: string; target?: string; detail?: Record<string, unknown>; actor?: string }): Promise<void> {
  return app.audit({ actor: a.actor ?? '', action: `${AUDIT_ACTIONS.admin}.${a.what}`, target: a.target, detail: a.detail });
}
