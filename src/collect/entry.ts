import type { CollectedBatch, IdentityFact } from '../domain/collect/event.ts';

/**
 * One accepted request as it is written ahead: the source, when it arrived, its events as compact arrays
 * (eventId, anonymousKey, userKey, type, occurredAt ms, eventDate, properties JSON) and its identity facts.
 */
export type EventTuple = [string, string | null, string | null, string, number, string, string];
/** A 神策 item record: itemType, itemId, deleted (1/0), properties JSON (null when deleted), time ms. */
export type ItemTuple = [string, string, 0 | 1, string | null, number];
export interface WalEntry {
  s: number;
  r: number;
  e: EventTuple[];
  f: IdentityFact[];
  i?: ItemTuple[];
}

export function toEntry(sourceId: number, receivedAt: number, b: CollectedBatch): WalEntry {
  return {
    s: sourceId,
    r: receivedAt,
    e: b.events.map((x) => [x.eventId, x.anonymousKey, x.userKey, x.type, x.occurredAt, x.eventDate, x.properties]),
    f: b.facts,
    ...(b.items?.length ? { i: b.items.map((x): ItemTuple => [x.itemType, x.itemId, x.deleted ? 1 : 0, x.properties, x.at]) } : {}),
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
  return { s: entry.s, r: entry.r, n: entry.e.length, f: entry.f, ...(entry.i?.length ? { i: entry.i } : {}) };
}

/** The kept part of a logged entry's text (replay after a restart). */
export function decodeKept(payload: Buffer): WalKept {
  return keptOf(JSON.parse(payload.toString('utf8')) as WalEntry);
}
