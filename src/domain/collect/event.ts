/**
 * What the collection endpoints turn every incoming message into before it is written ahead (预写日志) and loaded:
 * one row of the warehouse `events` table, plus the identity facts (links between an anonymous device id and a
 * user id, identifiers and traits for the profile) that identity resolution applies later.
 */

/** One event as it is stored: ids are already keyed hashes, the local day is fixed at write time. */
export interface CollectedEvent {
  /** `<sourceId>:<messageId>` — the same message from the same source is stored once (去重). */
  eventId: string;
  /** Keyed hash of the anonymous / device id (or the user id when there is none) until identity links it. */
  anonymousKey: string | null;
  /** Keyed hash of the user id (login id) when the message carries one. */
  userKey: string | null;
  type: string;
  occurredAt: number;
  eventDate: string;
  /** JSON text of the properties, with identifier-like values removed. */
  properties: string;
}

/** An identifier seen in a message, normalised by the caller's hasher, never kept in plaintext. */
export interface SeenIdentifier {
  type: string;
  namespace: string;
  hash: string;
  cipher: string;
  masked: string;
}

/**
 * An identity fact (身份关联): `identify`, `alias`, 神策 `track_signup` / `track_id_bind` / `profile_*` — the ids
 * that belong to one person, and the profile traits they carried.
 */
export interface IdentityFact {
  kind: 'identify' | 'alias' | 'signup' | 'bind' | 'unbind' | 'profile';
  /** Keyed hashes of every id of the person named in the message. */
  identifiers: SeenIdentifier[];
  /** Non-identifying traits (gender, city, tier …); identifier traits are moved into `identifiers`. */
  traits: Record<string, unknown>;
  /** Profile operation for 神策 profile_* records (set, set_once, increment, append, unset, delete). */
  op?: string;
  /** Consent changes carried by the message: purpose → granted / withdrawn. */
  consents: { purpose: string; status: 'granted' | 'withdrawn' }[];
  /** What the message says about how its consent was captured (the policy version shown, where), when it does. */
  evidence?: { policyVersion?: string; context?: string };
  at: number;
}

/** A 神策 item record (物品): item_set gives an item its properties, item_delete removes it. */
export interface CollectedItem {
  itemType: string;
  itemId: string;
  deleted: boolean;
  /** JSON text of the properties, scrubbed like event properties; null for item_delete. */
  properties: string | null;
  at: number;
}

/** What one request yields: the events to store and the identity facts to apply (and 神策 items), for one source. */
export interface CollectedBatch {
  events: CollectedEvent[];
  facts: IdentityFact[];
  items?: CollectedItem[];
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone; Asia/Shanghai (no DST) without Intl. */
export function localDay(ms: number, timezone: string): string {
  if (timezone === 'Asia/Shanghai' || timezone === 'Asia/Chongqing' || timezone === 'PRC') {
    // Events of one request nearly always share their day: remember the last day's bounds.
    const local = ms + 8 * 3600_000;
    if (local >= lastDay.from && local < lastDay.to) return lastDay.text;
    const from = Math.floor(local / 86_400_000) * 86_400_000;
    const text = new Date(from).toISOString().slice(0, 10);
    if (Number.isFinite(from)) lastDay = { from, to: from + 86_400_000, text };
    return text;
  }
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timezone, f);
  }
  return f.format(new Date(ms));
}
const formatters = new Map<string, Intl.DateTimeFormat>();
let lastDay = { from: 0, to: 0, text: '' };
