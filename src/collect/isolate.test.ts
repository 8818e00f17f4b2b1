import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carrierOf, classify, isSystemic, splitRecord } from './isolate.ts';
import type { WalEntry } from './entry.ts';
import { keptOf } from './entry.ts';

const record = (entry: WalEntry) => ({ segment: '00000001.wal', end: 123, kept: keptOf(entry), payload: Buffer.from(JSON.stringify(entry)) });
const entry: WalEntry = {
  s: 3, r: 1_700_000_000_000, n: 3,
  f: [{ kind: 'identify', identifiers: [], traits: {}, consents: [], at: 1 }],
  i: [['product', 'SKU-1', 0, '{}', 1]],
  e: ['a', 'bad', 'c'].map((id) => [`3:${id}`, 'k', null, 'E', 1, '2023-11-14', '{}']) as WalEntry['e'],
};

test('a record splits into one record per event, fact and item, each at the same place in the log; the carrier holds none', () => {
  const parts = splitRecord(record(entry));
  assert.deepEqual(parts.map((p) => [p.kind, p.eventId, p.record.kept.n, p.record.kept.f.length, p.record.kept.i?.length ?? 0]), [
    ['event', '3:a', 1, 0, 0], ['event', '3:bad', 1, 0, 0], ['event', '3:c', 1, 0, 0], ['fact', null, 0, 1, 0], ['item', null, 0, 0, 1],
  ]);
  assert.ok(parts.every((p) => p.record.end === 123 && p.record.segment === '00000001.wal' && p.record.kept.s === 3));
  const c = carrierOf(record(entry));
  assert.deepEqual([c.kept.n, c.kept.f.length, c.end, JSON.parse(c.payload.toString()).e], [0, 0, 123, []]);
});

test('bisection finds the part that fails on its own in few trials; the others load together', async () => {
  const parts = splitRecord(record(entry));
  let trials = 0;
  const { good, bad } = await classify(parts, async (records) => {
    trials++;
    if (records.some((r) => r.payload.includes('3:bad'))) throw new Error('Conversion Error: Malformed JSON');
  });
  assert.deepEqual(bad.map((b) => [b.part.eventId, b.reason]), [['3:bad', 'Conversion Error: Malformed JSON']]);
  assert.equal(good.length, 4);
  assert.ok(trials <= 7, `${trials} trials`);
});

test('the store in trouble or our own SQL wrong is never a dead letter: it is retried', async () => {
  for (const m of ['Out of Memory Error: failed to allocate', 'IO Error: No space left on device', 'Binder Error: Referenced column "x" not found', 'Connection was closed']) assert.ok(isSystemic(new Error(m)), m);
  assert.ok(!isSystemic(new Error('Conversion Error: Malformed JSON at byte 8 of input: no low surrogate in string')));
  await assert.rejects(classify(splitRecord(record(entry)), async () => { throw new Error('IO Error: disk'); }), /IO Error/);
});
