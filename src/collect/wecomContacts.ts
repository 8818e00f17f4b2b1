import type { App } from '../app/context.ts';
import type { WecomConfig } from './wecomStore.ts';
import { resolveBatch, type IdentityRecord } from '../identity/index.ts';
import { digestIdentifier } from '../domain/privacy/digest.ts';
import type { Keys } from '../domain/privacy/cipher.ts';
import type { IdType } from '../domain/privacy/normalize.ts';
import { UserError } from '../errors.ts';

/**
 * The WeCom 客户联系 API as the reconciler reads it: an access token, then each guide's external contacts with
 * what identifies them — the external_userid, the unionid when the contact is bound to the brand's mini-program,
 * and the phones the guide noted (remark_mobiles) — from `batch/get_by_user`, or the bare ids of `list` where
 * that call is not available.
 */
export interface ApiContact {
  externalUserId: string;
  unionid: string | null;
  phones: string[];
}

export interface WecomApi {
  get(path: string): Promise<Record<string, unknown>>;
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
}

export async function wecomApi(cfg: WecomConfig, fetchImpl: typeof fetch): Promise<WecomApi> {
  const call = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const r = await fetchImpl(`${cfg.apiBase}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const j = (await r.json()) as Record<string, unknown>;
    if (j.errcode && j.errcode !== 0) throw new UserError('wecom_api', `WeCom API ${path.split('?')[0]} answered errcode ${String(j.errcode)}.`, `企业微信接口 ${path.split('?')[0]} 返回错误码 ${String(j.errcode)}。`, 502);
    return j;
  };
  const token = String((await call(`/cgi-bin/gettoken?corpid=${encodeURIComponent(cfg.corpId)}&corpsecret=${encodeURIComponent(cfg.secret ?? '')}`)).access_token);
  const t = `access_token=${encodeURIComponent(token)}`;
  const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}${t}`;
  return { get: (path) => call(withToken(path)), post: (path, body) => call(withToken(path), body) };
}

/** One guide's contacts with their identifiers. */
export async function contactsOf(api: WecomApi, userid: string): Promise<ApiContact[]> {
  const out: ApiContact[] = [];
  let cursor = '';
  try {
    do {
      const page = await api.post('/cgi-bin/externalcontact/batch/get_by_user', { userid_list: [userid], cursor, limit: 100 });
      for (const x of (page.external_contact_list as { external_contact?: { external_userid?: string; unionid?: string }; follow_info?: { remark_mobiles?: string[] } }[]) ?? []) {
        const id = x.external_contact?.external_userid;
        if (id) out.push({ externalUserId: id, unionid: x.external_contact?.unionid || null, phones: (x.follow_info?.remark_mobiles ?? []).filter((p) => typeof p === 'string' && p) });
      }
      cursor = String(page.next_cursor ?? '');
    } while (cursor);
    return out;
  } catch (e) {
    if (!(e instanceof UserError) || e.code !== 'wecom_api') throw e;
  }
  const ids = ((await api.get(`/cgi-bin/externalcontact/list?userid=${encodeURIComponent(userid)}`)).external_userid as string[]) ?? [];
  return ids.map((id) => ({ externalUserId: id, unionid: null, phones: [] }));
}

/** A contact's usable identifiers, keyed-hashed (the external_userid in the corp's namespace). */
export function contactIdentifiers(keys: Keys, corpId: string, c: ApiContact): { type: IdType; namespace: string; value: string; hash: string }[] {
  const raw: [IdType, string, string][] = [['external_userid', c.externalUserId, corpId], ...(c.unionid ? [['unionid', c.unionid, ''] as [IdType, string, string]] : []), ...c.phones.map((p): [IdType, string, string] => ['phone', p, ''])];
  const out: { type: IdType; namespace: string; value: string; hash: string }[] = [];
  for (const [type, value, namespace] of raw) {
    const d = digestIdentifier(keys, type, value);
    if (d.status === 'ok') out.push({ type, namespace, value, hash: d.hash! });
  }
  return out;
}

/** The customers of contacts, resolved with all their identifiers (new ones created, matches linked). */
export async function memberCustomers(app: App, cfg: WecomConfig, contacts: ApiContact[]): Promise<(number | null)[]> {
  const records: IdentityRecord[] = contacts.map((c) => ({
    source: `wecom:${cfg.name}`,
    identifiers: contactIdentifiers(app.keys, cfg.corpId, c).map((x) => ({ type: x.type, value: x.value, namespace: x.namespace || undefined })),
  }));
  return resolveBatch(app, records);
}
