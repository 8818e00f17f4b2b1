import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, storedCounts, type Harness } from './collect.helpers.ts';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { createSource } from '../src/collect/sources.ts';
import { sourcesReport, deadLetters } from '../src/collect/report.ts';
import { WriteAheadLog } from '../src/collect/wal.ts';
import { keptOf, type WalEntry, type WalKept } from '../src/collect/entry.ts';
import { runningCollector } from '../src/collect/collector.ts';

/**
 * One bad event must never stop collection (hardening #1, #16). Each trigger the probe found — a lone surrogate in a
 * Segment event name, messageId, property (value or key) or trait, a microsecond timestamp, and the 神策 variants — was
 * acknowledged (200) and then failed the loader forever, blocking every source. Now each is refused before it is
 * acknowledged, with a 400 naming the field; a good event sent after each, on the same source and on another, is
 * stored. What still fails at load (here: an entry an older version logged) becomes a dead letter and blocks nothing.
 */
let h: Harness;
let poison = '';
let good = '';
const now = Date.now();
const basic = (k: string) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`;
const b64 = (o: unknown, gz = false) => {
  const raw = Buffer.from(JSON.stringify(o));
  return (gz ? gzipSync(raw) : raw).toString('base64');
};
const saRec = (o: Record<string, unknown> = {}) => ({ type: 'track', event: 'ViewProduct', distinct_id: 'sa-d1', time: now, properties: { $lib: 'test' }, ...o });

before(async () => {
  h = await startHarness();
  poison = (await h.source('poison')).write_key;
  good = (await h.source('good')).write_key;
});
after(async () => h.close());

const segment = (path: string, body: string, key = poison) => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: basic(key), 'content-type': 'application/json' }, body });
const sa = (init: { query?: string; form?: Record<string, string> }) => init.form
  ? fetch(`${h.url}/sa?project=poison&token=${poison}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(init.form).toString() })
  : fetch(`${h.url}/sa?project=poison&token=${poison}&${init.query}`);

// Bodies written as a client with ASCII-only JSON sends them: lone surrogates as \uXXXX escapes.
const triggers: [string, () => Promise<Response>, RegExp][] = [
  ['a lone surrogate in event', () => segment('/v1/track', '{"type":"track","event":"x\\ud800","userId":"u1","messageId":"p1"}'), /event contains a lone UTF-16 surrogate/],
  ['a lone surrogate in messageId', () => segment('/v1/batch', '{"batch":[{"type":"track","event":"x","userId":"u1","messageId":"p2\\udc00"}]}'), /batch\[0\]\.messageId contains a lone/],
  ['a lone surrogate in a property value', () => segment('/v1/track', '{"type":"track","event":"x","userId":"u1","messageId":"p3","properties":{"note":"a\\ud83d"}}'), /properties\.note contains a lone/],
  ['a lone surrogate in a property key', () => segment('/v1/track', '{"type":"track","event":"x","userId":"u1","messageId":"p3k","properties":{"k\\udbff":1}}'), /properties\.\? \(a key\) contains a lone/],
  ['a lone surrogate in traits', () => segment('/v1/identify', '{"type":"identify","userId":"u1","messageId":"p4","traits":{"city":"b\\udfff","nickname":"\\ud800x"}}'), /traits\.city contains a lone/],
  ['a microsecond timestamp', () => segment('/v1/track', '{"type":"track","event":"x","userId":"u1","messageId":"p5","timestamp":1796640000000000}'), /timestamp 1796640000000000 is not a time between 1970 and 9999/],
  ['timestamp 1e20', () => segment('/v1/track', '{"type":"track","event":"x","userId":"u1","messageId":"p6","timestamp":1e20}'), /timestamp 100000000000000000000 is not a time/],
  ['timestamp -1e20', () => segment('/v1/track', '{"type":"track","event":"x","userId":"u1","messageId":"p7","timestamp":-1e20}'), /timestamp -100000000000000000000 is not a time/],
  ['sentAt 1e20 in a batch', () => segment('/v1/batch', '{"batch":[{"type":"track","event":"x","userId":"u1","messageId":"p8","timestamp":"2026-01-01T00:00:00Z","sentAt":1e20}]}'), /batch\[0\]\.sentAt 100000000000000000000 is not a time/],
  ['properties nested 5,000 deep', () => segment('/v1/track', `{"type":"track","event":"x","userId":"u1","messageId":"p9","properties":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`), /properties nests objects or arrays more than 32 levels deep/],
  ['神策 a lone surrogate in event (POST form data)', () => sa({ form: { data: Buffer.from(JSON.stringify(saRec()).replace('ViewProduct', 'x\\ud800')).toString('base64') } }), /bad_unicode/],
  ['神策 a lone surrogate in event (GET query data)', () => sa({ query: `data=${encodeURIComponent(Buffer.from(JSON.stringify(saRec()).replace('ViewProduct', 'y\\udc01')).toString('base64'))}` }), /bad_unicode/],
  ['神策 a lone surrogate in properties (gzip data_list)', () => sa({ form: { data_list: gzipSync(Buffer.from(JSON.stringify([saRec({ properties: { note: 'QQQ' } })]).replace('QQQ', 'q\\ud800'))).toString('base64'), gzip: '1' } }), /bad_unicode/],
  ['神策 a lone surrogate in profile_set', () => sa({ form: { data: Buffer.from(JSON.stringify({ type: 'profile_set', distinct_id: 'sa-d1', time: now, properties: { city: 'CCC' } }).replace('CCC', 'c\\ud800')).toString('base64') } }), /bad_unicode/],
  ['神策 "time":8640000000001000', () => sa({ form: { data: b64(saRec({ time: 8640000000001000 })) } }), /bad_timestamp/],
  ['神策 data nested 5,000 deep', () => sa({ form: { data: Buffer.from(JSON.stringify(saRec()).replace('{"$lib":"test"}', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)).toString('base64') } }), /too_deep/],
];

test('every poison trigger is refused with a 400 naming the field (never a 503 that SDKs retry), and good events after each are stored on both sources', async () => {
  let n = 0;
  for (const [name, send, why] of triggers) {
    const r = await send();
    assert.equal(r.status, 400, `${name}: ${r.status}`);
    assert.equal(r.headers.get('retry-after'), null, name);
    const said = r.headers.get('content-type')?.includes('json') ? JSON.stringify(await r.json()) : `${r.headers.get('x-siyu-error')} ${await r.text()}`;
    assert.match(said, why, name);
    n++;
    for (const key of [good, poison]) {
      const s = await segment('/v1/batch', JSON.stringify({ batch: [{ type: 'track', event: 'Sentinel', userId: 'u-s', messageId: `sentinel-${n}`, timestamp: new Date().toISOString() }] }), key);
      assert.equal(s.status, 200, `the good event after ${name}`);
    }
  }
  await h.drained();
  assert.deepEqual(await storedCounts(h.app, 'good'), { rows: n, distinct: n });
  assert.deepEqual(await storedCounts(h.app, 'poison'), { rows: n, distinct: n });
  const c = runningCollector(h.dir)!;
  assert.equal(c.loader.totals.errors, 0, 'no load failed');
  const listed = Object.fromEntries((await sourcesReport(h.app)).map((s) => [s.name, [s.events, s.dead_letters]]));
  assert.deepEqual(listed, { poison: [n, 0], good: [n, 0] });
});

test('an emoji written as a surrogate pair (as ASCII-only JSON encoders send it) is stored as the emoji', async () => {
  const r = await segment('/v1/track', '{"type":"track","event":"Liked \\ud83d\\ude00","userId":"u1","messageId":"emoji-1","properties":{"face":"\\ud83d\\ude00"}}', good);
  assert.equal(r.status, 200);
  await h.drained();
  assert.deepEqual(await h.app.warehouse.get(`select type, properties->>'face' as face from events where event_id = $id`, { id: `${(await sourcesReport(h.app)).find((s) => s.name === 'good')!.id}:emoji-1` }), { type: 'Liked 😀', face: '😀' });
});

/**
 * An entry logged before validation existed (or a case it missed) that fails at load: the log of a store holds, in
 * one load, good events, an event whose text DuckDB's JSON reader refuses, an identity fact and a second good entry
 * from another source. After the restart everything else is stored, the bad event is a dead letter with the reason
 * and its logged text, counted for its source, and collection goes on.
 */
test('an event that still fails at load is set aside as a dead letter, counted per source; the rest of its load and later events are stored', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-dead-'));
  try {
    const app = await openApp({ dir });
    const web = await createSource(app, 'web');
    const shop = await createSource(app, 'shop');
    const at = Date.parse('2026-11-20T10:00:00Z');
    const ev = (id: string, type: string, props = '{}') => [`${web.id}:${id}`, 'anon-hash', null, type, at, '2026-11-20', props];
    const bad: WalEntry = { s: web.id, r: at, n: 3, f: [], e: [ev('ok-1', 'Viewed'), ev('bad-1', 'Broken', '{"note":"x\\ud800"}'), ev('ok-2', 'Viewed')] as never };
    const other: WalEntry = { s: shop.id, r: at, n: 1, f: [], e: [[`${shop.id}:ok-3`, 'anon-2', null, 'Paid', at, '2026-11-20', '{"k":1}']] };
    const { wal } = await WriteAheadLog.open<WalKept>(paths.wal(dir), new Map(), () => undefined);
    for (const e of [bad, other]) await wal.append(JSON.stringify(e), keptOf(e));
    await wal.close();
    await app.close();

    const s = await startHarness(dir);
    try {
      await s.drained();
      assert.deepEqual(await storedCounts(s.app, 'web'), { rows: 2, distinct: 2 });
      assert.deepEqual(await storedCounts(s.app, 'shop'), { rows: 1, distinct: 1 });
      const report = Object.fromEntries((await sourcesReport(s.app)).map((x) => [x.name, { events: x.events, dead: x.dead_letters }]));
      assert.deepEqual(report, { web: { events: 2, dead: 1 }, shop: { events: 1, dead: 0 } });
      const [dl] = await deadLetters(s.app, web.id);
      assert.equal(dl.kind, 'event');
      assert.equal(dl.event_id, `${web.id}:bad-1`);
      assert.match(dl.reason, /surrogate|Malformed JSON/i);
      assert.ok(dl.entry.includes('Broken') && dl.entry.includes('\\ud800'), 'the logged text is kept as it was');
      // Collection goes on after it.
      const r = await fetch(`${s.url}/v1/track`, { method: 'POST', headers: { authorization: basic(web.write_key), 'content-type': 'application/json' }, body: '{"userId":"u","event":"After","messageId":"after-1"}' });
      assert.equal(r.status, 200);
      await s.drained();
      assert.deepEqual(await storedCounts(s.app, 'web'), { rows: 3, distinct: 3 });
      assert.equal(runningCollector(dir)!.status().dead_letters, 1, 'the collector\'s status counts it too');
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
