import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startHarness, type Harness } from './collect.helpers.ts';
import { runningCollector } from '../src/collect/collector.ts';
import { createWecomSource } from '../src/collect/wecomStore.ts';
import { messageId as sensorsMessageId } from '../src/domain/collect/sensors.ts';
import { wecomEncrypt, wecomKey, wecomSignature } from '../src/domain/collect/wecomCrypto.ts';

/**
 * A seeded, bounded fuzz of every collection and WeCom endpoint (hardening, "Done when"): malformed, oversized,
 * deeply nested and unicode-hostile bodies. Each case says what it must get: `refuse` — a 4xx (never a 5xx, which
 * SDKs retry forever, never a 200 for what the loader could not store) — or `either` (hostile but storable: stored
 * if acknowledged). Afterwards every acknowledged message is stored, no load failed, nothing became a dead letter,
 * and a good event sent last is stored: the loader never stalled. SIYU_FUZZ_SEED / SIYU_FUZZ_N change the run.
 */
const SEED = Number(process.env.SIYU_FUZZ_SEED ?? 20261207);
const N = Number(process.env.SIYU_FUZZ_N ?? 400);
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wwfuzz';

let h: Harness;
const key: Record<string, { id: number; write_key: string }> = {};
before(async () => {
  h = await startHarness();
  key.seg = await h.source('seg');
  key.sa = await h.source('sa');
  await createWecomSource(h.app, { name: 'wx', corpId: CORP, token: 'tok', encodingAesKey: AES });
});
after(async () => h.close());

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (n: number) => Math.floor(rand() * n);

type Expect = 'refuse' | 'either';
interface Case { name: string; expect: Expect; send: () => Promise<Response>; acked?: { kind: 'seg' | 'sa'; eventIds: string[] } }

/** Strings that are hostile but Unicode (storable) and ones that are not (refused). */
const HOSTILE_OK = ['', ' ', '\u0000', '\u202e\u0645\u0631\u062d\u0628\u0627', '\ufeffbom', '\uffff', '😀👍🏽', '𠜎𠜱', 'a\r\nb\t', '"quoted\\"', '</script><script>', "'; drop table events; --", 'ℌ𝔢𝔩𝔩𝔬', '\u00e9\u0301'];
const HOSTILE_BAD = ['x\\ud800', '\\udc00', 'a\\udbffb', '\\ud83d'];
const DEEP = (d: number) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
const basic = (k: string) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`;

function segmentCase(i: number): Case {
  const id = `fz-${i}`;
  const base: Record<string, unknown> = { type: 'track', event: 'Fuzzed', userId: `u${int(5)}`, messageId: id, properties: { i } };
  const path = pick(['/v1/track', '/v1/batch', '/v1/identify', '/v1/page', '/v1/screen', '/v1/group', '/v1/alias'] as const);
  const kind = path.slice(4);
  if (kind !== 'batch') base.type = kind;
  if (kind === 'identify') base.traits = { city: 'x' };
  const wrap = (m: Record<string, unknown>) => kind === 'batch' ? { batch: [m] } : m;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) => () => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: basic(key.seg.write_key), 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = (m: Record<string, unknown>) => JSON.stringify(wrap(m));
  const acked = { kind: 'seg' as const, eventIds: [`${key.seg.id}:${id}`] };
  switch (int(14)) {
    case 0: return { name: 'hostile but Unicode text everywhere', expect: 'either', send: post(text({ ...base, ...(kind === 'track' || kind === 'batch' ? { event: `E${pick(HOSTILE_OK)}` } : {}), properties: { [pick(HOSTILE_OK) || 'k']: pick(HOSTILE_OK) }, context: { page: { path: pick(HOSTILE_OK) } } })), acked };
    case 1: return { name: 'a lone surrogate somewhere', expect: 'refuse', send: post(text(base).replace('"Fuzzed"', `"F${pick(HOSTILE_BAD)}"`).replace(`"${id}"`, pick([`"${id}"`, `"${id}${pick(HOSTILE_BAD)}"`])).replace('{"i":', `{"${pick(HOSTILE_BAD)}":1,"i":`)) };
    case 2: return { name: 'truncated JSON', expect: 'refuse', send: post(text(base).slice(0, 1 + int(text(base).length - 2))) };
    case 3: return { name: 'not an object', expect: 'refuse', send: post(pick(['[]', '"s"', '12', 'null', 'true', '[{"type":"track"}]'])) };
    // identify, group and alias store no properties: a deep one there is ignored.
    case 4: return { name: 'nested far too deep', expect: ['identify', 'group', 'alias'].includes(kind) ? 'either' : 'refuse', acked, send: post(text({ ...base, properties: { x: 0 } }).replace('{"x":0}', DEEP(33 + int(8000)))) };
    case 5: return { name: 'out-of-range times', expect: 'refuse', send: post(text({ ...base, ...(rand() < 0.5 ? {} : { timestamp: '2026-01-01T00:00:00Z' }), [pick(['timestamp', 'sentAt'])]: pick([1e20, -1e20, 1796640000000000, 8.64e15 + 1, '+275760-09-13T00:00:00Z', -1]) })) };
    case 6: return { name: 'odd but readable times', expect: 'either', send: post(text({ ...base, timestamp: pick(['not a date', 'NaN', true, [], {}, null, '2026-02-30', 0, 1700000000]) })), acked };
    case 7: return { name: 'no ids, bad type, bad event', expect: 'refuse', send: post(text(pick([{ ...base, userId: undefined, anonymousId: pick([undefined, '', '  ', null]) }, { ...base, type: pick(['bogus', 7, 'TRACK']) }, ...(kind === 'track' || kind === 'batch' ? [{ ...base, type: 'track', event: pick([7, null, '', 'e'.repeat(201)]) }] : [{ ...base, type: 'bogus' }])]))) };
    case 8: return { name: 'oversized', expect: 'refuse', send: post(text({ ...base, properties: { blob: 'x'.repeat(kind === 'batch' ? 520_000 : 33_000) } })) };
    case 9: return { name: 'gzip that is not gzip', expect: 'refuse', send: post(Buffer.from(text(base)), { 'content-encoding': 'gzip' }) };
    case 10: return { name: 'gzip bomb', expect: 'refuse', send: post(gzipSync(Buffer.alloc(5 * 1024 * 1024, 32)), { 'content-encoding': 'gzip' }) };
    case 11: return { name: 'invalid UTF-8 bytes (decoded as U+FFFD)', expect: 'either', send: post(Buffer.concat([Buffer.from(text(base).replace('"Fuzzed"', '"F')), Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xc0, 0xaf]), Buffer.from(text(base).slice(text(base).indexOf('"Fuzzed"') + 7))])), acked };
    case 12: return { name: 'a messageId too long', expect: 'refuse', send: post(text({ ...base, messageId: 'm'.repeat(201) })) };
    default: return { name: 'a batch that is not a list, or too long', expect: 'refuse', send: () => fetch(`${h.url}/v1/batch`, { method: 'POST', headers: { authorization: basic(key.seg.write_key), 'content-type': 'application/json' }, body: pick([JSON.stringify({ batch: {} }), JSON.stringify({ batch: Array.from({ length: 2001 }, () => ({})) }), '{"batch":null}']) }) };
  }
}

function sensorsCase(i: number): Case {
  const rec: Record<string, unknown> = { type: 'track', event: 'ViewProduct', distinct_id: `d${int(5)}`, time: Date.now() - int(1e9), properties: { i, $os: 'iOS' } };
  const b64 = (o: unknown, gz = false) => (gz ? gzipSync(Buffer.from(JSON.stringify(o))) : Buffer.from(JSON.stringify(o))).toString('base64');
  const url = (path = '/sa') => `${h.url}${path}?project=sa&token=${key.sa.write_key}`;
  const form = (fields: Record<string, string>, path?: string) => () => fetch(url(path), { method: 'POST', headers: { 'content-type': pick(['application/x-www-form-urlencoded', 'text/plain;charset=UTF-8', '']) }, body: new URLSearchParams(fields).toString() });
  const get = (fields: Record<string, string>) => () => fetch(`${url(pick(['/sa', '/sa.gif']))}&${new URLSearchParams(fields)}`);
  const send = (fields: Record<string, string>) => (rand() < 0.5 ? form(fields, pick(['/sa', '/debug'])) : get(fields));
  const acked = (r: Record<string, unknown>) => ({ kind: 'sa' as const, eventIds: [`${key.sa.id}:${sensorsMessageId(r)}`] });
  switch (int(9)) {
    case 0: { const r = { ...rec, event: `V${pick(HOSTILE_OK)}`, properties: { note: pick(HOSTILE_OK) } }; return { name: '神策 hostile but Unicode', expect: 'either', send: send({ data: b64(r) }), acked: acked(r) }; }
    case 1: return { name: '神策 a lone surrogate', expect: 'refuse', send: send({ data: Buffer.from(JSON.stringify(rec).replace('ViewProduct', `V${pick(HOSTILE_BAD)}`)).toString('base64') }) };
    case 2: return { name: '神策 not base64 of JSON', expect: 'refuse', send: send({ data: pick(['%%%', 'bm90IGpzb24=', '', '////']) }) };
    case 3: return { name: '神策 gzip=1 with garbage', expect: 'refuse', send: send({ data_list: b64([rec]), gzip: '1' }) };
    case 4: return { name: '神策 time out of range', expect: 'refuse', send: send({ data: b64({ ...rec, time: pick([8640000000001000, -1, 1e20, 1796640000000000]) }) }) };
    case 5: return { name: '神策 nested too deep', expect: 'refuse', send: form({ data: Buffer.from(JSON.stringify(rec).replace('{"i":', `{"d":${DEEP(32 + int(6000))},"i":`)).toString('base64') }) };
    case 6: return { name: '神策 no id, no item id, bad type', expect: 'refuse', send: send({ data: b64(pick([{ ...rec, distinct_id: undefined }, { type: 'item_set', item_type: 'p', time: 1 }, { ...rec, type: 'nope' }, { ...rec, event: 7 }])) }) };
    case 7: { const r = { ...rec, time: Date.now() - int(1e9) }; return { name: '神策 gzip data_list', expect: 'either', send: form({ data_list: b64([r], true), gzip: '1' }), acked: acked(r) }; }
    default: return { name: '神策 neither data nor data_list', expect: 'refuse', send: form(pick<Record<string, string>>([{}, { dat: 'x' }, { data_list: '' }])) };
  }
}

function wecomCase(): Case {
  const k = wecomKey(AES);
  const ts = String(Math.floor(Date.now() / 1000));
  const enc = wecomEncrypt(k, '<xml><Event>x</Event></xml>', CORP);
  const sig = (e: string, t = ts, token = 'tok') => `msg_signature=${wecomSignature(token, t, 'n', e)}&timestamp=${encodeURIComponent(t)}&nonce=n`;
  const post = (q: string, body: string, source = 'wx') => () => fetch(`${h.url}/wecom/callback/${source}?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return pick<Case>([
    { name: 'WeCom nested tags', expect: 'refuse', send: post('msg_signature=x&timestamp=1&nonce=1', '<a>'.repeat(1000 + int(30_000))) },
    { name: 'WeCom not XML', expect: 'refuse', send: post(sig(enc), pick(['', 'garbage', '{"json":1}', '<xml>', '<xml><Encrypt></Encrypt></xml>'])) },
    { name: 'WeCom forged signature', expect: 'refuse', send: post(sig(enc, ts, 'guess'), `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`) },
    { name: 'WeCom timestamp not seconds', expect: 'refuse', send: post(sig(enc, pick(['abc', '1e9', '-1', '1.5', '0x10'])), `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`) },
    { name: 'WeCom ciphertext garbage', expect: 'refuse', send: post(sig('AAAA'), '<xml><Encrypt>AAAA</Encrypt></xml>') },
    { name: 'WeCom unknown source', expect: 'refuse', send: post(sig(enc), `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`, pick(['nosuch', '..', '%00', 'wx%2F..'])) },
    { name: 'WeCom oversized', expect: 'refuse', send: post(sig(enc), `<xml><Encrypt>${'A'.repeat(66 * 1024)}</Encrypt></xml>`) },
    { name: 'WeCom GET verify garbage', expect: 'refuse', send: () => fetch(`${h.url}/wecom/callback/wx?${sig('bad')}&echostr=${pick(['bad', '', '%ff'])}`) },
  ]);
}

test(`fuzz (seed ${SEED}, ${N} requests): every malformed request is a 4xx, nothing acknowledged is lost, the loader never stalls`, { timeout: 300_000 }, async () => {
  const cases: Case[] = Array.from({ length: N }, (_, i) => { const r = rand(); return r < 0.55 ? segmentCase(i) : r < 0.85 ? sensorsCase(i) : wecomCase(); });
  const acked: Case['acked'][] = [];
  const wrong: string[] = [];
  for (let i = 0; i < cases.length; i += 4) {
    await Promise.all(cases.slice(i, i + 4).map(async (c, j) => {
      const r = await c.send().catch((e: Error) => ({ status: 0, text: async () => e.message }) as unknown as Response);
      const ok = c.expect === 'refuse' ? r.status >= 400 && r.status < 500 : (r.status >= 200 && r.status < 300) || (r.status >= 400 && r.status < 500);
      if (!ok) wrong.push(`#${i + j} ${c.name}: ${r.status} ${(await r.text()).slice(0, 120)}`);
      else if (r.status === 200 && c.acked) acked.push(c.acked);
      else await r.arrayBuffer().catch(() => undefined);
    }));
  }
  assert.deepEqual(wrong, [], 'every case got what it must');
  await h.drained();
  const c = runningCollector(h.dir)!;
  const ids = [...new Set(acked.flatMap((a) => a!.eventIds))];
  const stored = new Set((await h.app.warehouse.all<{ event_id: string }>(`select event_id from events where list_contains($ids, event_id)`, { ids })).map((r) => r.event_id));
  assert.deepEqual(ids.filter((x) => !stored.has(x)), [], `all ${ids.length} acknowledged messages are stored`);
  assert.ok(ids.length > 10, `${ids.length} acknowledged`);
  assert.equal(c.loader.totals.errors, 0, 'no load failed');
  assert.equal(c.loader.totals.deadLetters, 0, 'everything the loader could not store was refused before acknowledgement');
  const r = await fetch(`${h.url}/v1/track`, { method: 'POST', headers: { authorization: basic(key.seg.write_key), 'content-type': 'application/json' }, body: '{"userId":"u","event":"After the fuzz","messageId":"after-fuzz"}' });
  assert.equal(r.status, 200);
  await h.drained();
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where event_id = $id`, { id: `${key.seg.id}:after-fuzz` }), 1);
});
