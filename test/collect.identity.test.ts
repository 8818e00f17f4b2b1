import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './collect.helpers.ts';
import { runningCollector } from '../src/collect/collector.ts';

/** identify / alias / 神策 signup link anonymous ids to a customer; earlier events follow; traits and consent land. */
let h: Harness;
let key = '';
let saKey = '';
const post = (path: string, body: unknown) => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
before(async () => {
  h = await startHarness();
  // Server sources: they identify by phone and set the profile and consent as an import does (the client rules are
  // in collect-trust.test.ts).
  key = (await h.source('web', { trust: 'server' })).write_key;
  saKey = (await h.source('mini', { trust: 'server' })).write_key;
});
after(async () => h.close());

async function settle(): Promise<void> {
  await h.drained();
  const c = runningCollector(h.dir)!;
  while ((await c.identity.applyPending()) > 0);
}

test('given 3 anonymous page views, when the visitor identifies with a phone, then all 4 events belong to one customer', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await post('/v1/page', { anonymousId: 'anon-1', name: `P${i}`, messageId: `pv-${i}` })).status, 200);
  await settle();
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where source = 'web' and customer_id is not null`), 0);
  const r = await post('/v1/identify', { anonymousId: 'anon-1', userId: 'member-42', messageId: 'id-1', traits: { phone: '13812345678', name: '李雷', gender: 'male', city: '杭州', consent: { marketing_sms: true } } });
  assert.equal(r.status, 200);
  await settle();
  const owners = await h.app.warehouse.all<{ customer_id: number; n: number }>(`select customer_id, count(*) as n from events where source = 'web' group by 1`);
  assert.equal(owners.length, 1);
  assert.equal(owners[0].n, 4);
  const cid = owners[0].customer_id;
  assert.ok(cid > 0);
  const c = await h.app.warehouse.get<{ gender: string; city: string; name_masked: string; name_cipher: string }>(`select gender, city, name_masked, name_cipher from customers where id = $id`, { id: cid });
  assert.deepEqual({ gender: c!.gender, city: c!.city, name_masked: c!.name_masked }, { gender: 'male', city: '杭州', name_masked: '李*' });
  assert.ok(!c!.name_cipher.includes('李雷'));
  const ids = (await h.app.warehouse.all<{ id_type: string }>(`select id_type from customer_identifiers where customer_id = $id order by 1`, { id: cid })).map((x) => x.id_type);
  assert.deepEqual(ids, ['anonymous_id', 'phone', 'user_id']);
  const consent = await h.app.warehouse.all<{ purpose: string; status: string }>(`select purpose, status from consents where customer_id = $id`, { id: cid });
  assert.deepEqual(consent, [{ purpose: 'marketing_sms', status: 'granted' }]);
  // Later events of the identified user join the customer as they are stored.
  assert.equal((await post('/v1/track', { userId: 'member-42', event: 'Order Completed', messageId: 'oc-1' })).status, 200);
  await settle();
  assert.equal(await h.app.warehouse.scalar(`select customer_id from events where event_id = '1:oc-1'`), cid);
  // No plaintext PII anywhere in what collection stored.
  const dump = JSON.stringify(await h.app.warehouse.all(`select * from collect_identity_facts`)) + JSON.stringify(await h.app.warehouse.all(`select properties from events`));
  for (const plain of ['13812345678', '李雷']) assert.ok(!dump.includes(plain));
});

test('神策 track_signup links the cookie id to the login id: the pre-login events join the same customer', async () => {
  const b64 = (o: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(o)).toString('base64'));
  const send = (recs: unknown[]) => fetch(`${h.url}/sa?project=mini&token=${saKey}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `data_list=${b64(recs)}` });
  assert.equal((await send([1, 2].map((i) => ({ type: 'track', event: 'ViewProduct', distinct_id: 'cookie-7', time: 1_763_000_000_000 + i, properties: { i } })))).status, 200);
  await settle();
  assert.equal((await send([{ type: 'track_signup', event: '$SignUp', distinct_id: 'member-7', original_id: 'cookie-7', time: 1_763_000_000_100, properties: {} }])).status, 200);
  await settle();
  const owners = await h.app.warehouse.all<{ customer_id: number; n: number }>(`select customer_id, count(*) as n from events where source = 'mini' group by 1`);
  assert.equal(owners.length, 1);
  assert.ok(owners[0].customer_id > 0);
  assert.equal(owners[0].n, 3);
});
