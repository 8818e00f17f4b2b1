import type { CollectedBatch, IdentityFact } from '../domain/collect/event.ts';

/**
 * One accepted request as it is written ahead: the source, when it arrived, the number of events, its identity
 * facts and items, and — last, so that the rest can be read without parsing them — its events as compact arrays
 * (eventId, anonymousKey, userKey, type, occurredAt ms, eventDate, properties JSON).
 */
export type EventTuple = [string, string | null, string | null, string, number, string, string];
/** A 神策 item record: itemType, itemId, deleted (1/0), properties JSON (null when deleted), time ms. */
export type ItemTuple = [string, string, 0 | 1, string | null, number];
export interface WalEntry {
  s: number;
  r: number;
  /** events (absent in logs written before it was added) */
  n?: number;
  e: EventTuple[];
  f: IdentityFact[];
  i?: ItemTuple[];
}

export function toEntry(sourceId: number, receivedAt: number, b: CollectedBatch): WalEntry {
  // Key order is the text's order: `e` last (see decodeKept).
  return {
    s: sourceId,
    r: receivedAt,
    n: b.events.length,
    f: b.facts,
    ...(b.items?.length ? { i: b.items.map((x): ItemTuple => [x.itemType, x.itemId, x.deleted ? 1 : 0, x.properties, x.at]) } : {}),
    e: b.events.map((x) => [x.eventId, x.anonymousKey, x.userKey, x.type, x.occurredAt, x.eventDate, x.properties]),
  };
}

/**
 * What the loader keeps in memory of an entry until it is loaded: the source, arrival, the number of events, and
 * the identity facts and items (few). The events themselves stay in the entry's JSON text (outside the JS heap), which
 * DuckDB unpacks: keeping them as objects made every event survive into the old generation and the garbage
 * collector pause the requests waiting on the log.
 */
export interface WalKept {
  s: number;
  r: number;
  /** events */
  n: number;
  f: IdentityFact[];
  i?: ItemTuple[];
}

export function keptOf(entry: WalEntry): WalKept {
  return keptWith(entry, entry.e.length);
}

function keptWith(entry: Omit<WalEntry, 'e'>, n: number): WalKept {
  return { s: entry.s, r: entry.r, n, f: entry.f, ...(entry.i?.length ? { i: entry.i } : {}) };
}

const EVENTS_KEY = Buffer.from(',"e":[');

/**
 * The kept part of a logged entry's text (read back from the log), parsing only what comes before the events: the
 * sequence `,"e":[` cannot occur inside a JSON string (its quote would be escaped). It can occur as a key nested in
 * a fact's traits: cut there, the head leaves a bracket open and does not parse, and the entry is parsed whole — as
 * are entries logged before `n` was written.
 */
export function decodeKept(payload: Buffer): WalKept {
  const at = payload.indexOf(EVENTS_KEY);
  if (at > 0) {
    const head = parseOrNull(`${payload.toString('utf8', 0, at)}}`) as Omit<WalEntry, 'e'> | null;
    if (typeof head?.n === 'number') return keptWith(head, head.n);
  }
  return keptOf(JSON.parse(payload.toString('utf8')) as WalEntry);
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
