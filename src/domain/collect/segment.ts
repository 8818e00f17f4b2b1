import { randomUUID } from 'node:crypto';
import type { CollectedBatch, CollectedEvent, IdentityFact } from './event.ts';
import { localDay } from './event.ts';
import type { IdHasher } from './ids.ts';
import { safePropertiesJson } from './properties.ts';
import { traitsToFact } from './traits.ts';
import { LIMITS, invalid } from './limits.ts';
import { assertShallow, checkInstant, isTooDeep, tooDeep } from './loadable.ts';

/**
 * The Segment HTTP Tracking API message (track, identify, page, screen, group, alias) → stored events and
 * identity facts. Field names and semantics follow Segment's spec: `userId` or `anonymousId` is required, the
 * `messageId` de-duplicates, and `timestamp` is corrected for device clock skew with `sentAt`.
 */
export type SegmentType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias';
export const SEGMENT_TYPES: SegmentType[] = ['track', 'identify', 'page', 'screen', 'group', 'alias'];

export interface MappingContext {
  sourceId: number;
  hasher: IdHasher;
  receivedAt: number;
  timezone: string;
}

type Msg = Record<string, unknown>;

export function segmentToBatch(messages: Msg[], ctx: MappingContext, batchSentAt?: unknown, inBatch = messages.length > 1): CollectedBatch {
  const out: CollectedBatch = { events: [], facts: [] };
  messages.forEach((m, i) => {
    const where = inBatch ? `batch[${i}]` : 'the message';
    try {
      mapMessage(m, where, inBatch ? `batch[${i}].` : '', ctx, batchSentAt, out);
    } catch (e) {
      throw isTooDeep(e) ? tooDeep(where) : e;
    }
  });
  return out;
}

function mapMessage(m: Msg, where: string, field: string, ctx: MappingContext, batchSentAt: unknown, out: CollectedBatch): void {
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw invalid('bad_message', `${where} is not a JSON object.`, `${where} 不是 JSON 对象。`);
  const type = m.type as SegmentType;
  if (!SEGMENT_TYPES.includes(type)) throw invalid('bad_type', `${where} has type '${String(m.type)}'; expected one of ${SEGMENT_TYPES.join(', ')}.`, `${where} 的 type 为 '${String(m.type)}'，应为 ${SEGMENT_TYPES.join('、')} 之一。`);
  const userId = idText(m.userId);
  const anonymousId = idText(m.anonymousId);
  if (!userId && !anonymousId) throw invalid('missing_id', `${where} has neither userId nor anonymousId.`, `${where} 缺少 userId 与 anonymousId。`);
  let messageId = m.messageId === undefined || m.messageId === null ? '' : String(m.messageId);
  if (messageId.length > LIMITS.messageIdChars) throw invalid('bad_message_id', `${where}: messageId is longer than ${LIMITS.messageIdChars} characters.`, `${where}：messageId 超过 ${LIMITS.messageIdChars} 个字符。`);
  if (!messageId) messageId = `auto-${randomUUID()}`;
  const occurredAt = occurred(m.timestamp, m.sentAt ?? batchSentAt, ctx.receivedAt, field);
  const userKey = ctx.hasher.key('user_id', userId);
  const anonymousKey = ctx.hasher.key('anonymous_id', anonymousId) ?? userKey;
  let name: string;
  let props: Record<string, unknown> = {};
  if (type === 'track') {
    if (typeof m.event !== 'string' || !m.event) throw invalid('missing_event', `${where}: a track message needs an 'event' name.`, `${where}：track 消息需要 'event' 事件名。`);
    if (m.event.length > LIMITS.eventNameChars) throw invalid('bad_event', `${where}: the event name is longer than ${LIMITS.eventNameChars} characters.`, `${where}：事件名超过 ${LIMITS.eventNameChars} 个字符。`);
    name = m.event;
    props = obj(m.properties);
  } else if (type === 'page' || type === 'screen') {
    name = type === 'page' ? 'page_view' : 'screen_view';
    props = { ...obj(m.properties), ...(m.name ? { name: m.name } : {}), ...(m.category ? { category: m.category } : {}) };
  } else if (type === 'group') {
    name = 'group';
    props = { group_id: m.groupId ?? null };
  } else {
    name = type;
  }
  const context = obj(m.context);
  const lib = obj(context.library);
  const page = obj(context.page);
  const campaign = obj(context.campaign);
  const extra: Record<string, unknown> = {};
  if (lib.name) extra.$lib = lib.name;
  if (page.path) extra.$path = page.path;
  if (Object.keys(campaign).length) extra.$campaign = campaign;
  assertShallow(props, `${field}properties`);
  assertShallow(campaign, `${field}context.campaign`);
  const event: CollectedEvent = {
    eventId: `${ctx.sourceId}:${messageId}`,
    anonymousKey, userKey, type: name, occurredAt,
    eventDate: localDay(occurredAt, ctx.timezone),
    properties: safePropertiesJson(Object.keys(extra).length ? { ...props, ...extra } : props),
  };
  out.events.push(event);
  const fact = factOf(type, m, userId, anonymousId, occurredAt, ctx.hasher);
  if (fact) out.facts.push(fact);
}

function factOf(type: SegmentType, m: Msg, userId: string | null, anonymousId: string | null, at: number, hasher: IdHasher): IdentityFact | null {
  if (type === 'identify') return traitsToFact('identify', obj(m.traits), { userId, anonymousId }, at, hasher);
  if (type === 'alias') {
    const previous = idText(m.previousId);
    return traitsToFact('alias', {}, { userId, anonymousId: previous ?? anonymousId }, at, hasher);
  }
  if (type === 'track' && typeof m.event === 'string' && /^(consent|privacy) ?(updated|changed|given|withdrawn)$/i.test(m.event)) {
    return traitsToFact('profile', { consent: obj(m.properties) }, { userId, anonymousId }, at, hasher);
  }
  return null;
}

function idText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  return s.trim() ? s : null;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Segment's skew correction: the device's `timestamp`, shifted by how far its clock (`sentAt`) is off. Each time and
 * the result must be an instant the warehouse stores (1970–9999): a microsecond count is a 400, not a poison event.
 */
function occurred(timestamp: unknown, sentAt: unknown, receivedAt: number, field: string): number {
  const t = parseTime(timestamp, `${field}timestamp`);
  const s = parseTime(sentAt, `${field}sentAt`);
  if (t === null) return receivedAt;
  return s === null ? t : checkInstant(receivedAt - (s - t), `${field}timestamp corrected by sentAt:`, receivedAt - (s - t));
}

function parseTime(v: unknown, field: string): number | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return checkInstant(Math.abs(v) > 1e11 ? v : v * 1000, field, v);
  }
  if (typeof v !== 'string' || !v) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? checkInstant(ms, field, v) : null;
}
