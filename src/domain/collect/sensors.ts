import { hash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { CollectedBatch, CollectedItem, SeenIdentifier } from './event.ts';
import { localDay } from './event.ts';
import type { MappingContext } from './segment.ts';
import { safePropertiesJson } from './properties.ts';
import { traitsToFact } from './traits.ts';
import { LIMITS, invalid, tooLarge } from './limits.ts';
import { assertShallow, assertWellFormed, checkInstant, isTooDeep, tooDeep } from './loadable.ts';
import type { IdType } from '../privacy/normalize.ts';

/**
 * The 神策 (Sensors Analytics) wire format: a form (query string for GET, body for POST whatever its
 * Content-Type) with `data` (one record) or `data_list` (an array), base64 of the JSON, gzip'd first when
 * `gzip=1`; `crc` / `ext` are integrity hints we do not need. Records: track, track_signup, track_id_bind /
 * track_id_unbind, profile_set / set_once / increment / append / unset / delete, item_set / item_delete.
 */
export const SENSORS_TYPES = ['track', 'track_signup', 'track_id_bind', 'track_id_unbind', 'profile_set', 'profile_set_once', 'profile_increment', 'profile_append', 'profile_unset', 'profile_delete', 'item_set', 'item_delete'] as const;
type Rec = Record<string, unknown>;

/** The records of one request, from its form fields. */
export function decodeSensorsForm(form: URLSearchParams): Rec[] {
  const gzip = form.get('gzip') === '1';
  const list = form.get('data_list');
  const one = form.get('data');
  const raw = list ?? one;
  if (raw === null || raw === '') throw invalid('missing_data', "The request has neither a 'data' nor a 'data_list' field.", "请求中没有 'data' 或 'data_list' 字段。");
  let bytes = Buffer.from(raw.replace(/ /g, '+'), 'base64');
  if (gzip) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: LIMITS.bodyBytes });
    } catch (e) {
      if (/maxOutputLength|too large|buffer/i.test(String((e as Error).message))) throw tooLarge('The decompressed data', LIMITS.bodyBytes + 1, LIMITS.bodyBytes);
      throw invalid('bad_gzip', "gzip=1 but the data is not gzip'd.", 'gzip=1，但数据不是 gzip 格式。');
    }
  }
  if (bytes.length > LIMITS.bodyBytes) throw tooLarge('The data', bytes.length, LIMITS.bodyBytes);
  let parsed: unknown;
  const text = bytes.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('bad_data', "The 'data' field is not base64 of JSON.", "'data' 字段不是 JSON 的 base64 编码。");
  }
  assertWellFormed(text, parsed, Array.isArray(parsed) ? 'data_list' : 'data');
  const records = Array.isArray(parsed) ? parsed : [parsed];
  if (records.length > LIMITS.batchEvents) throw invalid('too_many', `The batch has ${records.length} records; the limit is ${LIMITS.batchEvents}.`, `批量包含 ${records.length} 条记录，上限为 ${LIMITS.batchEvents}。`);
  return records as Rec[];
}

/** Records → stored events and identity facts. */
export function sensorsToBatch(records: Rec[], ctx: MappingContext): CollectedBatch {
  const out: CollectedBatch = { events: [], facts: [] };
  records.forEach((r, i) => {
    const where = records.length > 1 ? `data_list[${i}]` : 'data';
    try {
      mapRecord(r, where, ctx, out);
    } catch (e) {
      throw isTooDeep(e) ? tooDeep(where) : e;
    }
  });
  return out;
}

function mapRecord(r: Rec, where: string, ctx: MappingContext, out: CollectedBatch): void {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw invalid('bad_record', `${where} is not a JSON object.`, `${where} 不是 JSON 对象。`);
  const type = String(r.type ?? '');
  if (!(SENSORS_TYPES as readonly string[]).includes(type)) throw invalid('bad_type', `${where} has type '${type}'; expected one of ${SENSORS_TYPES.join(', ')}.`, `${where} 的 type 为 '${type}'，不是支持的记录类型。`);
  const { _flush_time: _f, crc: _c, ...rest } = r;
  const json = JSON.stringify(rest);
  const size = json.length;
  if (size > LIMITS.eventBytes) throw invalid('too_large', `${where} is ${size} bytes; the limit per record is ${LIMITS.eventBytes} bytes.`, `${where} 大小为 ${size} 字节，超过单条上限 ${LIMITS.eventBytes} 字节。`);
  const identities = obj(r.identities);
  const distinctId = text(r.distinct_id);
  // track_signup: distinct_id is the new login id, original_id the anonymous id it replaces.
  const signup = type === 'track_signup';
  const loginId = text(r.login_id) ?? text(identities.$identity_login_id) ?? (signup ? distinctId : null);
  const anonymousId = (signup ? text(r.original_id) : null) ?? text(r.anonymous_id) ?? text(identities.$identity_anonymous_id) ?? text(identities.$identity_cookie_id) ?? (loginId && distinctId === loginId ? null : distinctId);
  if (!distinctId && !loginId && !anonymousId && type !== 'item_set' && type !== 'item_delete') {
    throw invalid('missing_id', `${where} has no distinct_id.`, `${where} 缺少 distinct_id。`);
  }
  const occurredAt = typeof r.time === 'number' ? checkInstant(r.time, `${where}.time`, r.time) : ctx.receivedAt;
  const props = obj(r.properties);
  assertShallow(props, `${where}.properties`);
  if (type.startsWith('item_')) {
    (out.items ??= []).push(itemOf(r, type === 'item_delete', occurredAt, where));
    return;
  }
  const extra = identityList(identities, ctx);
  if (type.startsWith('profile_')) {
    out.facts.push(traitsToFact('profile', props, { userId: loginId, anonymousId, extra }, occurredAt, ctx.hasher, type.slice('profile_'.length)));
    return;
  }
  let event: string;
  if (type === 'track') {
    if (typeof r.event !== 'string' || !r.event) throw invalid('missing_event', `${where}: a track record needs an 'event' name.`, `${where}：track 记录需要 'event' 事件名。`);
    if (r.event.length > LIMITS.eventNameChars) throw invalid('bad_event', `${where}: the event name is longer than ${LIMITS.eventNameChars} characters.`, `${where}：事件名超过 ${LIMITS.eventNameChars} 个字符。`);
    event = r.event;
  } else {
    event = typeof r.event === 'string' && r.event ? r.event : type === 'track_signup' ? '$SignUp' : type === 'track_id_bind' ? '$BindID' : '$UnbindID';
  }
  const userKey = ctx.hasher.key('user_id', loginId);
  const anonymousKey = ctx.hasher.key('anonymous_id', anonymousId) ?? userKey;
  out.events.push({
    eventId: `${ctx.sourceId}:${digestId(json)}`,
    anonymousKey, userKey, type: event, occurredAt,
    eventDate: localDay(occurredAt, ctx.timezone),
    properties: safePropertiesJson(props),
  });
  if (type === 'track_signup') {
    out.facts.push(traitsToFact('signup', {}, { userId: loginId, anonymousId, extra }, occurredAt, ctx.hasher));
  } else if (type === 'track_id_bind' || type === 'track_id_unbind') {
    out.facts.push(traitsToFact(type === 'track_id_bind' ? 'bind' : 'unbind', {}, { userId: loginId, anonymousId, extra }, occurredAt, ctx.hasher));
  } else if (loginId && anonymousId) {
    // A logged-in track that still carries the device id links the two (神策 ID-Mapping 3.0 does the same).
    out.facts.push(traitsToFact('bind', {}, { userId: loginId, anonymousId }, occurredAt, ctx.hasher));
  }
}

/**
 * 神策 records carry `_track_id` (a random 10-digit number: collisions are likely among 100k records), so the
 * message id is a digest of the whole record except what the SDK changes on a resend (`_flush_time`).
 */
export function messageId(r: Rec): string {
  const { _flush_time: _f, crc: _c, ...rest } = r;
  return digestId(JSON.stringify(rest));
}

function digestId(json: string): string {
  return `sa-${hash('sha1', json, 'base64url')}`;
}

/** item_set / item_delete: `item_type` and `item_id` name the item (a product, an article …). */
function itemOf(r: Rec, deleted: boolean, at: number, where: string): CollectedItem {
  const itemType = text(r.item_type);
  const itemId = text(r.item_id);
  if (!itemType || !itemId) throw invalid('missing_item', `${where}: an ${deleted ? 'item_delete' : 'item_set'} record needs 'item_type' and 'item_id'.`, `${where}：物品记录需要 'item_type' 与 'item_id'。`);
  if (itemType.length > LIMITS.eventNameChars || itemId.length > LIMITS.messageIdChars) throw invalid('bad_item', `${where}: item_type or item_id is too long.`, `${where}：item_type 或 item_id 过长。`);
  return { itemType, itemId, deleted, properties: deleted ? null : safePropertiesJson(obj(r.properties)), at };
}

const ID_KEYS: Record<string, IdType> = {
  $identity_mobile: 'phone', $identity_email: 'email', $identity_mp_unionid: 'unionid', $identity_mp_openid: 'openid',
  $identity_member_no: 'member_no', $identity_android_id: 'device_id', $identity_idfv: 'device_id', $identity_oaid: 'device_id',
};

function identityList(identities: Rec, ctx: MappingContext): SeenIdentifier[] {
  const out: SeenIdentifier[] = [];
  for (const [k, v] of Object.entries(identities)) {
    const t = ID_KEYS[k];
    const x = t ? ctx.hasher.identifier(t, v) : null;
    if (x) out.push(x);
  }
  return out;
}

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  return s.trim() ? s : null;
}

function obj(v: unknown): Rec {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {};
}
