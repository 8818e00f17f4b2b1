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
