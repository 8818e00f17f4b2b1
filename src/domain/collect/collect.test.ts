import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { IdHasher } from './ids.ts';
import { safePropertiesJson } from './properties.ts';
import { segmentToBatch } from './segment.ts';
import { decodeSensorsForm, sensorsToBatch, messageId } from './sensors.ts';
import { localDay } from './event.ts';
import type { Keys } from '../privacy/cipher.ts';

const keys: Keys = { hmac: randomBytes(32), activeKeyId: 'k1', aes: new Map([['k1', randomBytes(32)]]) };
const ctx = { sourceId: 7, hasher: new IdHasher(keys), receivedAt: Date.parse('2026-03-01T16:30:00Z'), timezone: 'Asia/Shanghai' };

test('properties keep analytics values and lose PII: identifier keys dropped, phones and e-mails masked', () => {
  assert.equal(safePropertiesJson({ sku: 'A1', price: 9.9 }), '{"sku":"A1","price":9.9}');
  assert.deepEqual(JSON.parse(safePropertiesJson({ sku: 'A1', phone: '13812345678', email: 'x@y.cn', note: '请联系 13812345678 或 Li@Shop.com', nested: { mobile: '13900001111', ok: 1 } })),
    { sku: 'A1', note: '请联系 138****5678 或 l***@shop.com', nested: { ok: 1 } });
});

test('the local day is the Shanghai calendar day: 16:30 UTC on 1 March is 2 March', () => {
  assert.equal(localDay(ctx.receivedAt, 'Asia/Shanghai'), '2026-03-02');
  assert.equal(localDay(ctx.receivedAt, 'Europe/London'), '2026-03-01');
});

test('Segment: event id is source:messageId, device clock skew is corrected with sentAt, ids are keyed hashes', () => {
  const b = segmentToBatch([{ type: 'track', event: 'Order Completed', userId: 'u1', anonymousId: 'a1', messageId: 'm1', timestamp: '2026-03-01T16:00:00Z', sentAt: '2026-03-01T16:10:00Z', properties: { total: 99 } }], ctx);
  assert.equal(b.events.length, 1);
  const e = b.events[0];
  assert.equal(e.eventId, '7:m1');
  assert.equal(new Date(e.occurredAt).toISOString(), '2026-03-01T16:20:00.000Z', 'received 16:30 − (sent 16:10 − happened 16:00)');
  assert.match(e.anonymousKey!, /^[0-9a-f]{64}$/);
  assert.notEqual(e.anonymousKey, e.userKey);
  assert.equal(e.userKey, ctx.hasher.key('user_id', 'u1'));
});

test('Segment identify: traits become hashed identifiers, encrypted name, profile traits and consent changes', () => {
  const b = segmentToBatch([{ type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'i1', traits: { email: 'Ann@Shop.CN', phone: '138 1234 5678', name: '王芳', gender: 'female', consent: { marketing_email: true, analytics: 'withdrawn' } } }], ctx);
  const f = b.facts[0];
  assert.equal(f.kind, 'identify');
  assert.deepEqual(f.identifiers.map((x) => `${x.type}:${x.masked}`).sort(), ['anonymous_id:****', 'email:a***@shop.cn', 'phone:138****5678', 'user_id:****']);
  assert.equal(f.identifiers.find((x) => x.type === 'phone')!.hash, new IdHasher(keys).identifier('phone', '+8613812345678')!.hash);
  assert.equal(f.traits.gender, 'female');
  assert.ok(String(f.traits.name_cipher).startsWith('k1:'));
  assert.deepEqual(f.consents, [{ purpose: 'marketing_email', status: 'granted' }, { purpose: 'analytics', status: 'withdrawn' }]);
  assert.ok(!JSON.stringify(b).includes('王芳') && !JSON.stringify(b).includes('Ann@Shop.CN'));
});

test('神策: data / data_list, base64 with spaces from form decoding, gzip=1; the message id ignores _flush_time', () => {
  const rec = { type: 'track', event: 'ViewProduct', distinct_id: 'd1', time: 1_772_000_000_000, properties: { sku: 'A+B/C' }, _track_id: 42 };
  const plain = Buffer.from(JSON.stringify(rec)).toString('base64');
  assert.deepEqual(decodeSensorsForm(new URLSearchParams(`data=${plain.replace(/\+/g, ' ')}`)), [rec]);
  const zipped = gzipSync(JSON.stringify([rec, rec])).toString('base64');
  assert.equal(decodeSensorsForm(new URLSearchParams({ data_list: zipped, gzip: '1' })).length, 2);
  assert.equal(messageId({ ...rec, _flush_time: 1 }), messageId({ ...rec, _flush_time: 2 }));
  assert.notEqual(messageId(rec), messageId({ ...rec, _track_id: 43 }));
  assert.throws(() => decodeSensorsForm(new URLSearchParams('gzip=1')), /neither a 'data' nor a 'data_list'/);
  assert.throws(() => decodeSensorsForm(new URLSearchParams({ data: 'bm90IGd6aXA=', gzip: '1' })), /not gzip'd/);
});

test('神策: a logged-in track carrying its device id links the two; anonymous tracks key on the distinct_id', () => {
  const b = sensorsToBatch([
    { type: 'track', event: 'Buy', distinct_id: 'member-1', login_id: 'member-1', anonymous_id: 'dev-1', time: 1, properties: {} },
    { type: 'track', event: 'View', distinct_id: 'dev-2', time: 2, properties: {} },
  ], ctx);
  assert.equal(b.events[0].userKey, ctx.hasher.key('user_id', 'member-1'));
  assert.equal(b.events[0].anonymousKey, ctx.hasher.key('anonymous_id', 'dev-1'));
  assert.equal(b.events[1].anonymousKey, ctx.hasher.key('anonymous_id', 'dev-2'));
  assert.equal(b.events[1].userKey, null);
  assert.deepEqual(b.facts.map((f) => [f.kind, f.identifiers.map((x) => x.type)]), [['bind', ['user_id', 'anonymous_id']]]);
});
