import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startHarness, storedCounts, type Harness } from './collect.helpers.ts';
import { runningCollector } from '../src/collect/collector.ts';

/** The tracking endpoints answer as the SDKs expect: auth, gzip, CORS, limits, 神策 GET/POST/beacon/debug. */
let h: Harness;
let key = '';
let saKey = '';
const auth = () => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
before(async () => {
  h = await startHarness();
  key = (await h.source('web')).write_key;
  saKey = (await h.source('shop')).write_key;
});
after(async () => h.close());

test('Segment endpoints: 200 {success:true}; a wrong or missing write key is 401; gzip bodies are read', async () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth(), ...headers }, body: typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body) });
  for (const [path, body] of [
    ['/v1/track', { userId: 'u1', event: 'Signed Up', messageId: 't1' }],
    ['/v1/page', { anonymousId: 'a1', name: 'Home', properties: { path: '/' }, messageId: 'p1' }],
    ['/v1/screen', { anonymousId: 'a1', name: 'Cart', messageId: 's1' }],
    ['/v1/identify', { userId: 'u1', anonymousId: 'a1', traits: { gender: 'female' }, messageId: 'i1' }],
    ['/v1/group', { userId: 'u1', groupId: 'g1', messageId: 'g1' }],
    ['/v1/alias', { userId: 'u1', previousId: 'a1', messageId: 'al1' }],
  ] as const) {
    const r = await post(path, body);
    assert.equal(r.status, 200, path);
    assert.deepEqual(await r.json(), { success: true });
  }
  const gz = await post('/v1/batch', gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'u2', event: 'Zipped', messageId: 'z1' }] })), { 'content-encoding': 'gzip' });
  assert.equal(gz.status, 200);
  const bad = await fetch(`${h.url}/v1/track`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` }, body: '{"userId":"u","event":"E"}' });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).error, 'bad_write_key');
  const none = await fetch(`${h.url}/v1/track`, { method: 'POST', body: '{"userId":"u","event":"E"}' });
  assert.equal(none.status, 401);
  await h.drained();
  const types = (await h.app.warehouse.all<{ type: string }>(`select type from events where source = 'web' order by type`)).map((r) => r.type);
  assert.deepEqual(types, ['Signed Up', 'Zipped', 'alias', 'group', 'identify', 'page_view', 'screen_view']);
});

test('limits and bad input are clear 400s naming the problem', async () => {
  const post = (path: string, body: string) => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: auth(), 'content-type': 'application/json' }, body });
  const big = await post('/v1/track', JSON.stringify({ userId: 'u', event: 'E', properties: { blob: 'x'.repeat(40_000) } }));
  assert.equal(big.status, 400);
  assert.match((await big.json()).message, /The message is \d+ bytes; the limit is 32768 bytes/);
  const bigBatch = await post('/v1/batch', JSON.stringify({ batch: Array.from({ length: 30 }, (_, i) => ({ type: 'track', userId: 'u', event: 'E', messageId: `b${i}`, properties: { blob: 'y'.repeat(20_000) } })) }));
  assert.equal(bigBatch.status, 400);
  assert.match((await bigBatch.json()).message, /The batch is \d+ bytes; the limit is 512000 bytes/);
  const oneBig = await post('/v1/batch', JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'E' }, { type: 'track', userId: 'u', event: 'E', properties: { blob: 'z'.repeat(40_000) } }] }));
  assert.match((await oneBig.json()).message, /batch\[1\] is \d+ bytes; the limit is 32768 bytes/);
  assert.match((await (await post('/v1/track', '{"event":"E"}')).json()).message, /neither userId nor anonymousId/);
  assert.match((await (await post('/v1/track', '{"userId":"u"}')).json()).message, /needs an 'event' name/);
  assert.match((await (await post('/v1/batch', '{"batch":[{"type":"bogus","userId":"u"}]}')).json()).message, /batch\[0\] has type 'bogus'/);
  assert.match((await (await post('/v1/track', '{not json')).json()).message, /not valid JSON/);
});

test('CORS: preflight is answered and responses carry Access-Control-Allow-Origin', async () => {
  const pre = await fetch(`${h.url}/v1/batch`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'https://shop.example');
  const sa = await fetch(`${h.url}/sa?project=shop&token=${saKey}`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-headers': 'x-requested-with' } });
  assert.equal(sa.status, 204);
  assert.match(sa.headers.get('access-control-allow-headers') ?? '', /x-requested-with/i);
});

test('神策: GET answers a 1×1 GIF, POST (form or sendBeacon text/plain) an empty body; /debug with Dry-Run stores nothing', async () => {
  const rec = (i: number) => ({ type: 'track', event: 'ViewProduct', distinct_id: `d${i}`, time: 1_763_000_000_000 + i, properties: { i, $os: 'iOS' }, _track_id: 1000 + i });
  const q = `project=shop&token=${saKey}`;
  const get = await fetch(`${h.url}/sa.gif?${q}&data=${encodeURIComponent(b64(rec(1)))}`);
  assert.equal(get.status, 200);
  assert.equal(get.headers.get('content-type'), 'image/gif');
  assert.equal(Buffer.from(await get.arrayBuffer()).subarray(0, 6).toString(), 'GIF89a');
  const form = await fetch(`${h.url}/sa?${q}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `data_list=${encodeURIComponent(gzipSync(JSON.stringify([rec(2), rec(3)])).toString('base64'))}&gzip=1` });
  assert.equal(form.status, 200);
  assert.equal(await form.text(), '');
  const beacon = await fetch(`${h.url}/sa?${q}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: `data=${encodeURIComponent(b64(rec(4)))}&ext=${encodeURIComponent('crc=123')}` });
  assert.equal(beacon.status, 200);
  const dry = await fetch(`${h.url}/debug?${q}`, { method: 'POST', headers: { 'dry-run': 'true' }, body: `data=${encodeURIComponent(b64(rec(5)))}` });
  assert.equal(dry.status, 200);
  const dryBad = await fetch(`${h.url}/debug?${q}`, { method: 'POST', headers: { 'dry-run': 'true' }, body: `data=${encodeURIComponent(b64({ type: 'track', distinct_id: 'x' }))}` });
  assert.equal(dryBad.status, 400);
  assert.match(await dryBad.text(), /needs an 'event' name/);
  const badToken = await fetch(`${h.url}/sa.gif?project=shop&token=nope&data=${encodeURIComponent(b64(rec(6)))}`);
  assert.equal(badToken.status, 401);
  assert.equal(badToken.headers.get('content-type'), 'image/gif');
  assert.equal(badToken.headers.get('x-siyu-error'), 'bad_token');
  const wrongProject = await fetch(`${h.url}/sa?project=web&token=${saKey}`, { method: 'POST', body: `data=${encodeURIComponent(b64(rec(7)))}` });
  assert.equal(wrongProject.status, 403);
  assert.equal(await wrongProject.text(), '');
  await h.drained();
  const got = (await h.app.warehouse.all<{ i: number }>(`select cast(properties->>'i' as integer) as i from events where source = 'shop' order by 1`)).map((r) => r.i);
  assert.deepEqual(got, [1, 2, 3, 4]);
});

test('神策 record types: signup, id bind and profile_* are identity facts; item_* are accepted', async () => {
  const q = `project=shop&token=${saKey}`;
  const records = [
    { type: 'track_signup', event: '$SignUp', distinct_id: 'member-9', original_id: 'cookie-9', time: 1_763_000_000_000, properties: {} },
    { type: 'profile_set', distinct_id: 'member-9', login_id: 'member-9', time: 1_763_000_000_001, properties: { $name: '张三', mobile: '13812345678', city: '上海', consent: { marketing_sms: true } } },
    { type: 'track_id_bind', event: '$BindID', distinct_id: 'member-9', identities: { $identity_login_id: 'member-9', $identity_email: 'A@Example.com' }, time: 1_763_000_000_002, properties: {} },
    { type: 'item_set', item_type: 'product', item_id: 'SKU-1', time: 1_763_000_000_003, properties: { price: 9 } },
  ];
  const r = await fetch(`${h.url}/sa?${q}`, { method: 'POST', body: `data_list=${encodeURIComponent(b64(records))}` });
  assert.equal(r.status, 200);
  await h.drained();
  const facts = await h.app.warehouse.all<{ kind: string; fact: string }>(`select kind, fact from collect_identity_facts where source_id = 2 order by seq`);
  assert.deepEqual(facts.map((f) => f.kind), ['signup', 'profile', 'bind']);
  const profile = JSON.parse(facts[1].fact);
  assert.deepEqual(profile.identifiers.map((x: { type: string }) => x.type).sort(), ['phone', 'user_id']);
  assert.equal(profile.traits.city, '上海');
  assert.match(profile.traits.name_cipher, /^[^:]+:/);
  assert.deepEqual(profile.consents, [{ purpose: 'marketing_sms', status: 'granted' }]);
  const all = JSON.stringify(facts);
  for (const plain of ['13812345678', '张三', 'a@example.com']) assert.ok(!all.includes(plain), `no plaintext ${plain}`);
  assert.deepEqual(await storedCounts(h.app, 'shop'), { rows: 6, distinct: 6 });
});

test('backpressure: while the loader is behind, requests get 429 with Retry-After and nothing is written ahead', async () => {
  const c = runningCollector(h.dir)!;
  const before = c.wal.stats.frames;
  const saved = (c as unknown as { maxBacklog: number }).maxBacklog;
  (c as unknown as { maxBacklog: number }).maxBacklog = -1;
  try {
    const r = await fetch(`${h.url}/v1/track`, { method: 'POST', headers: { authorization: auth() }, body: '{"userId":"u","event":"E"}' });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.equal((await r.json()).error, 'slow_down');
    assert.equal(c.wal.stats.frames, before);
  } finally {
    (c as unknown as { maxBacklog: number }).maxBacklog = saved;
  }
});

test('schema checks per event name: violations are counted per problem, the events are stored anyway', async () => {
  const { setEventSchema, listViolations } = await import('../src/collect/schemas.ts');
  await setEventSchema(h.app, 'Order Completed', { required: ['order_id', 'total'], types: { total: 'number', order_id: 'string' } });
  const batch = [
    { type: 'track', userId: 'u', event: 'Order Completed', messageId: 'oc-ok', properties: { order_id: 'A1', total: 10 } },
    { type: 'track', userId: 'u', event: 'Order Completed', messageId: 'oc-str', properties: { order_id: 'A2', total: '10' } },
    { type: 'track', userId: 'u', event: 'Order Completed', messageId: 'oc-miss', properties: { total: 5 } },
    { type: 'track', userId: 'u', event: 'Order Completed', messageId: 'oc-miss2', properties: { total: 6 } },
  ];
  const r = await fetch(`${h.url}/v1/batch`, { method: 'POST', headers: { authorization: auth(), 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
  assert.equal(r.status, 200);
  await h.drained();
  const v = (await listViolations(h.app)).map((x) => [x.source, x.event, x.problem, x.count]);
  assert.deepEqual(v, [['web', 'Order Completed', 'missing order_id', 2], ['web', 'Order Completed', 'total is string, not number', 1]]);
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where type = 'Order Completed'`), 4);
});

test('a message sent again in a later load is stored once and counted as a duplicate; the new messages beside it are stored', async () => {
  const src = await h.source('resend-api');
  const a = `Basic ${Buffer.from(`${src.write_key}:`).toString('base64')}`;
  const send = (ids: string[]) => fetch(`${h.url}/v1/batch`, { method: 'POST', headers: { authorization: a, 'content-type': 'application/json' }, body: JSON.stringify({ batch: ids.map((messageId) => ({ type: 'track', userId: 'u', event: 'Resent', messageId })) }) });
  assert.equal((await send(['r1', 'r2', 'r3'])).status, 200);
  await h.drained();
  // The next load meets stored ids (the plain insert refuses them; the loader loads the same records again ignoring them).
  const loader = runningCollector(h.dir)!.loader;
  const redone = loader.totals.redone;
  assert.equal((await send(['r2', 'r4', 'r3', 'r5'])).status, 200);
  await h.drained();
  assert.equal(loader.totals.redone, redone + 1, 'the load met the stored ids and was redone ignoring them');
  assert.equal((await send(['r6'])).status, 200);
  await h.drained();
  assert.deepEqual(await storedCounts(h.app, 'resend-api'), { rows: 6, distinct: 6 });
  const st = await h.app.warehouse.get<{ events: number; duplicates: number }>('select events, duplicates from collect_source_stats where source_id = $s', { s: src.id });
  assert.deepEqual({ events: Number(st?.events), duplicates: Number(st?.duplicates) }, { events: 6, duplicates: 2 });
  assert.equal(runningCollector(h.dir)!.loader.totals.errors, 0);
});

test('a message repeated within one load (one batch, or two requests loaded together) is stored once, with its properties, and counted as a duplicate', async () => {
  const src = await h.source('repeat-api');
  const a = `Basic ${Buffer.from(`${src.write_key}:`).toString('base64')}`;
  const send = (ids: string[]) => fetch(`${h.url}/v1/batch`, { method: 'POST', headers: { authorization: a, 'content-type': 'application/json' }, body: JSON.stringify({ batch: ids.map((messageId, i) => ({ type: 'track', userId: 'u', event: 'Repeated', messageId, properties: { n: i, note: '含"引号"\\与换行\n' } })) }) });
  const loader = runningCollector(h.dir)!.loader;
  const redone = loader.totals.redone;
  const [r1, r2] = await Promise.all([send(['p1', 'p2', 'p1']), send(['p3', 'p2'])]);
  assert.deepEqual([r1.status, r2.status], [200, 200]);
  await h.drained();
  assert.equal(loader.totals.redone, redone, 'repeats inside a load are dropped before the insert, not by redoing it');
  assert.deepEqual(await storedCounts(h.app, 'repeat-api'), { rows: 3, distinct: 3 });
  const st = await h.app.warehouse.get<{ events: number; duplicates: number }>('select events, duplicates from collect_source_stats where source_id = $s', { s: src.id });
  assert.deepEqual({ events: Number(st?.events), duplicates: Number(st?.duplicates) }, { events: 3, duplicates: 2 });
  const p3 = await h.app.warehouse.get<{ note: string; type: string }>(`select properties->>'note' as note, type from events where source = 'repeat-api' and event_id like '%p3%'`);
  assert.deepEqual(p3, { note: '含"引号"\\与换行\n', type: 'Repeated' });
});
