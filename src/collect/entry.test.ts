import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKept, keptOf, toEntry, type WalEntry } from './entry.ts';
import type { CollectedBatch } from '../domain/collect/event.ts';

const batch: CollectedBatch = {
  events: [
    { eventId: '3:a', anonymousKey: 'k1', userKey: null, type: 'E', occurredAt: 1, eventDate: '2026-11-20', properties: '{"q":",\\"e\\":[1]"}' },
    { eventId: '3:b', anonymousKey: 'k2', userKey: 'u', type: 'F', occurredAt: 2, eventDate: '2026-11-20', properties: '{}' },
  ],
  // A trait whose text holds the events key: escaped in the JSON, so it cannot be taken for it.
  facts: [{ kind: 'profile', identifiers: [], traits: { note: ',"e":[ ] \\ "x"', city: '上海' }, op: 'set', consents: [], at: 5 }],
  items: [{ itemType: 'product', itemId: 'SKU-1', deleted: false, properties: '{"title":"茶"}', at: 7 }],
};

test('decodeKept reads the source, arrival, event count, facts and items without the events, even when a value holds the events key', () => {
  const entry = toEntry(3, 1000, batch);
  const text = JSON.stringify(entry);
  assert.ok(text.indexOf('"e":[') > text.indexOf('"i":['), 'events come last in the text');
  assert.deepEqual(decodeKept(Buffer.from(text)), keptOf(entry));
  assert.equal(decodeKept(Buffer.from(text)).n, 2);
  const nested = toEntry(3, 1000, { ...batch, facts: [{ ...batch.facts[0], traits: { a: 1, e: [1, 2] } }] });
  assert.deepEqual(decodeKept(Buffer.from(JSON.stringify(nested))), keptOf(nested), 'a trait keyed "e" holding an array');
  const none = toEntry(3, 1000, { events: [], facts: batch.facts });
  assert.deepEqual(decodeKept(Buffer.from(JSON.stringify(none))), keptOf(none));
});

test('an entry logged before the event count was written (events first, no n) is read whole', () => {
  const old: WalEntry = { s: 3, r: 1000, e: toEntry(3, 1000, batch).e, f: batch.facts };
  const kept = decodeKept(Buffer.from(JSON.stringify(old)));
  assert.deepEqual(kept, { s: 3, r: 1000, n: 2, f: batch.facts });
});
