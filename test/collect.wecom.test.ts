import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startHarness, type Harness } from './collect.helpers.ts';
import { createWecomSource, wecomConfig } from '../src/collect/wecomStore.ts';
import { reconcileWecom } from '../src/collect/wecomReconcile.ts';
import { wecomEncrypt, wecomKey, wecomSignature } from '../src/domain/collect/wecomCrypto.ts';

/** WeCom callbacks: URL verification, signed+encrypted change events mapped onto customers, groups, ownership. */
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'ww0123456789abcdef';
const TOKEN = 'siyu-token';
let h: Harness;
let stand: Server;
let standUrl = '';
const key = wecomKey(AES);

before(async () => {
  h = await startHarness();
  stand = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (o: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      if (url.pathname === '/cgi-bin/gettoken') return send({ errcode: 0, access_token: 'tok' });
      if (url.searchParams.get('access_token') !== 'tok') return send({ errcode: 40014 });
      if (url.pathname === '/cgi-bin/externalcontact/get_follow_user_list') return send({ errcode: 0, follow_user: ['guide-li'] });
      if (url.pathname === '/cgi-bin/externalcontact/list') return send({ errcode: 0, external_userid: ['wmCustomerA', 'wmCustomerC'] });
      if (url.pathname === '/cgi-bin/externalcontact/groupchat/list') return send({ errcode: 0, group_chat_list: [{ chat_id: 'wrGroup1', status: 0 }], next_cursor: '' });
      if (url.pathname === '/cgi-bin/externalcontact/groupchat/get') {
        assert.equal(JSON.parse(body).chat_id, 'wrGroup1');
        return send({ errcode: 0, group_chat: { chat_id: 'wrGroup1', name: '上海静安店会员群', owner: 'guide-li', create_time: 1_763_000_000, member_list: [{ userid: 'guide-li', type: 1, join_time: 1_763_000_000 }, { userid: 'wmCustomerC', type: 2, join_time: 1_763_000_100 }] } });
      }
      send({ errcode: 404 });
    });
  });
  await new Promise<void>((r) => stand.listen(0, '127.0.0.1', r));
  standUrl = `http://127.0.0.1:${(stand.address() as { port: number }).port}`;
  await createWecomSource(h.app, { name: 'wecom', corpId: CORP, token: TOKEN, encodingAesKey: AES, secret: 'sec', apiBase: standUrl });
});
after(async () => {
  await new Promise((r) => stand.close(r));
  await h.close();
});

function signedQuery(encrypted: string, ts = String(Math.floor(Date.now() / 1000)), token = TOKEN): string {
  const nonce = String(Math.floor(Math.random() * 1e9));
  return `msg_signature=${wecomSignature(token, ts, nonce, encrypted)}&timestamp=${ts}&nonce=${nonce}`;
}

async function callback(inner: string, opts: { token?: string; ts?: string; corp?: string } = {}): Promise<Response> {
  const enc = wecomEncrypt(key, inner, opts.corp ?? CORP);
  const body = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><Encrypt><![CDATA[${enc}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
  return fetch(`${h.url}/wecom/callback/wecom?${signedQuery(enc, opts.ts, opts.token)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
}

const contact = (change: string, ext: string, t: number, extra = '') => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${change}]]></ChangeType><UserID><![CDATA[guide-li]]></UserID><ExternalUserID><![CDATA[${ext}]]></ExternalUserID>${extra}</xml>`;
const group = (change: string, detail: string, t: number, members: string[] = []) => `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${t}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrGroup1]]></ChatId><ChangeType><![CDATA[${change}]]></ChangeType><UpdateDetail><![CDATA[${detail}]]></UpdateDetail><MemChangeCnt>${members.length}</MemChangeCnt><MemChangeList>${members.map((m) => `<Item>${m}</Item>`).join('')}</MemChangeList></xml>`;

test('URL verification answers the bare decrypted echostr within 1 s; a forged signature is 403', async () => {
  const echostr = wecomEncrypt(key, '1616140317555161061', CORP);
  const t0 = Date.now();
  const r = await fetch(`${h.url}/wecom/callback/wecom?${signedQuery(echostr)}&echostr=${encodeURIComponent(echostr)}`);
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '1616140317555161061');
  const forged = await fetch(`${h.url}/wecom/callback/wecom?${signedQuery(echostr, undefined, 'wrong-token')}&echostr=${encodeURIComponent(echostr)}`);
  assert.equal(forged.status, 403);
});

test('contact and group changes map onto customers, ownership (state = channel), groups, members and events; retries apply once', async () => {
  const t = Math.floor(Date.now() / 1000) - 60;
  const add = contact('add_external_contact', 'wmCustomerA', t, '<State><![CDATA[store-jingan-qr]]></State><WelcomeCode><![CDATA[WELCOME]]></WelcomeCode>');
  for (let i = 0; i < 3; i++) {
    const r = await callback(add);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'success');
  }
  assert.equal((await callback(contact('add_external_contact', 'wmCustomerB', t + 1))).status, 200);
  assert.equal((await callback(contact('del_follow_user', 'wmCustomerB', t + 2))).status, 200);
  assert.equal((await callback(group('create', '', t + 3))).status, 200);
  assert.equal((await callback(group('update', 'add_member', t + 4, ['wmCustomerA', 'guide-li']))).status, 200);
  assert.equal((await callback(group('update', 'del_member', t + 5, ['wmCustomerA']))).status, 200);
  const own = await h.app.warehouse.all<{ staff_code: string; state: string | null; open: boolean }>(`select staff_code, state, removed_at is null as open from contact_ownership order by added_at`);
  assert.deepEqual(own, [{ staff_code: 'guide-li', state: 'store-jingan-qr', open: true }, { staff_code: 'guide-li', state: null, open: false }]);
  const a = await h.app.warehouse.get<{ id: number; acquisition_channel: string }>(`select c.id, c.acquisition_channel from customers c join contact_ownership o on o.customer_id = c.id where o.state = 'store-jingan-qr'`);
  assert.equal(a!.acquisition_channel, 'wecom:store-jingan-qr');
  const types = (await h.app.warehouse.all<{ type: string }>(`select type from events where source = 'wecom' order by occurred_at, type`)).map((r) => r.type);
  assert.deepEqual(types, ['wecom_contact_added', 'wecom_contact_added', 'wecom_contact_deleted_by_customer', 'wecom_group_create', 'group_join', 'group_leave']);
  const members = await h.app.warehouse.all<{ customer_id: number; left: boolean }>(`select customer_id, left_at is not null as left from group_members`);
  assert.deepEqual(members, [{ customer_id: a!.id, left: true }]);
  const ids = await h.app.warehouse.all<{ id_type: string; namespace: string }>(`select distinct id_type, namespace from customer_identifiers`);
  assert.deepEqual(ids, [{ id_type: 'external_userid', namespace: CORP }]);
  const plain = JSON.stringify(await h.app.warehouse.all(`select * from customer_identifiers`));
  assert.ok(!plain.includes('wmCustomerA'), 'external_userid is stored hashed and encrypted only');
});

test('forged, stale and foreign-corp messages are rejected and change nothing', async () => {
  const before = await h.app.warehouse.scalar(`select count(*) from events where source = 'wecom'`);
  const msg = contact('add_external_contact', 'wmEvil', Math.floor(Date.now() / 1000));
  assert.equal((await callback(msg, { token: 'guessed' })).status, 403);
  assert.equal((await callback(msg, { ts: String(Math.floor(Date.now() / 1000) - 3600) })).status, 403);
  assert.equal((await callback(msg, { corp: 'wwSomeoneElse' })).status, 403);
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where source = 'wecom'`), before);
});

test('the reconciler re-reads contacts and groups through the API and fixes the differences', async () => {
  const cfg = (await wecomConfig(h.app, 'wecom'))!;
  const r = await reconcileWecom(h.app, cfg);
  // API: guide-li has A and C (C added through the API, no callback); group has C only (A left; C joined unseen).
  assert.deepEqual(r, { contacts_added: 1, contacts_linked: 0, contacts_closed: 0, contacts_unmatched: 0, api_contacts_unmatched: 0, groups_updated: 1, members_added: 1, members_closed: 0 });
  const g = await h.app.warehouse.get<{ name: string; owner_staff_code: string }>(`select name, owner_staff_code from community_groups where group_id = 'wrGroup1'`);
  assert.deepEqual(g, { name: '上海静安店会员群', owner_staff_code: 'guide-li' });
  assert.deepEqual(await reconcileWecom(h.app, cfg), { contacts_added: 0, contacts_linked: 0, contacts_closed: 0, contacts_unmatched: 0, api_contacts_unmatched: 0, groups_updated: 1, members_added: 0, members_closed: 0 }, 'a second pass finds nothing to fix');
});
