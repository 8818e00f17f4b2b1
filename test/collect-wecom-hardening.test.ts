import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from './collect.helpers.ts';
import { createWecomSource, wecomConfig } from '../src/collect/wecomStore.ts';
import { reconcileWecom } from '../src/collect/wecomReconcile.ts';
import { importFiles } from '../src/ingest/index.ts';
import { wecomEncrypt, wecomKey, wecomSignature } from '../src/domain/collect/wecomCrypto.ts';
import { keyedHash } from '../src/domain/privacy/cipher.ts';

/**
 * The WeCom callback before anything is verified (hardening #3, #23) and the reconciler against imported contacts
 * (first-look #5). The probe's 80,000-`<a>` body took 10.9 s in the regex parser, before the signature check, and
 * stalled /healthz; `timestamp=abc` passed the freshness check (NaN compares false). Reconcile closed every
 * relationship a guide's 客户联系 export had imported (they carry a phone, no external_userid) as missing.
 */
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'ww0123456789abcdef';
const TOKEN = 'siyu-token';
const key = wecomKey(AES);
let h: Harness;
let stand: Server;
/** What the stand-in WeCom API lists for guide-li: external contacts with the phones the guide noted. */
let listed: { external_userid: string; remark_mobiles: string[] }[] = [];

before(async () => {
  h = await startHarness();
  stand = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (o: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      if (url.pathname === '/cgi-bin/gettoken') return send({ errcode: 0, access_token: 'tok' });
      if (url.pathname === '/cgi-bin/externalcontact/get_follow_user_list') return send({ errcode: 0, follow_user: ['guide-li'] });
      if (url.pathname === '/cgi-bin/externalcontact/batch/get_by_user') {
        assert.deepEqual(JSON.parse(body).userid_list, ['guide-li']);
        return send({ errcode: 0, external_contact_list: listed.map((c) => ({ external_contact: { external_userid: c.external_userid, type: 1 }, follow_info: { userid: 'guide-li', remark_mobiles: c.remark_mobiles } })), next_cursor: '' });
      }
      if (url.pathname === '/cgi-bin/externalcontact/groupchat/list') return send({ errcode: 0, group_chat_list: [], next_cursor: '' });
      send({ errcode: 404 });
    });
  });
  await new Promise<void>((r) => stand.listen(0, '127.0.0.1', r));
  await createWecomSource(h.app, { name: 'wecom', corpId: CORP, token: TOKEN, encodingAesKey: AES, secret: 'sec', apiBase: `http://127.0.0.1:${(stand.address() as { port: number }).port}` });
});
after(async () => {
  await new Promise((r) => stand.close(r));
  await h.close();
});

const signed = (encrypted: string, ts: string) => {
  const nonce = '12345';
  return `msg_signature=${wecomSignature(TOKEN, ts, nonce, encrypted)}&timestamp=${encodeURIComponent(ts)}&nonce=${nonce}`;
};

test('80,000 nested <a> before any check: a 4xx in well under a second, to an unknown source and to a real one, and /healthz answers meanwhile', async () => {
  const body = '<a>'.repeat(80_000);
  for (const source of ['nosuch', 'wecom']) {
    const t0 = performance.now();
    const [r, health] = await Promise.all([
      fetch(`${h.url}/wecom/callback/${source}?msg_signature=x&timestamp=1&nonce=1`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body }),
      fetch(`${h.url}/healthz`),
    ]);
    const ms = performance.now() - t0;
    assert.ok(r.status >= 400 && r.status < 500, `${source}: ${r.status}`);
    assert.ok(ms < 1000, `${source}: answered after ${ms} ms`);
    assert.equal(health.status, 200);
  }
  // Under the 64 KiB cap, still nested: refused as not a WeCom message, fast.
  const t0 = performance.now();
  const r = await fetch(`${h.url}/wecom/callback/wecom?msg_signature=x&timestamp=1&nonce=1`, { method: 'POST', body: `<xml>${'<a>'.repeat(20_000)}</xml>` });
  assert.equal(r.status, 400);
  assert.equal(await r.text(), 'bad_wecom_message');
  assert.ok(performance.now() - t0 < 1000);
  const big = await fetch(`${h.url}/wecom/callback/wecom?msg_signature=x&timestamp=1&nonce=1`, { method: 'POST', body: `<xml><Encrypt>${'A'.repeat(70 * 1024)}</Encrypt></xml>` });
  assert.equal(big.status, 413, 'a body over 64 KiB is refused before it is read');
});

test('a correctly signed callback whose timestamp is not a number of seconds (abc, 1e9, empty) fails the freshness check', async () => {
  const inner = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1</CreateTime><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[guide-li]]></UserID><ExternalUserID><![CDATA[wmEvil]]></ExternalUserID></xml>`;
  const enc = wecomEncrypt(key, inner, CORP);
  for (const ts of ['abc', '1e9', ' ']) {
    const r = await fetch(`${h.url}/wecom/callback/wecom?${signed(enc, ts)}`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${enc}]]></Encrypt></xml>` });
    assert.ok(r.status === 403 || r.status === 400, `timestamp '${ts}': ${r.status}`);
  }
  const echo = wecomEncrypt(key, 'hello', CORP);
  const verify = await fetch(`${h.url}/wecom/callback/wecom?${signed(echo, 'abc')}&echostr=${encodeURIComponent(echo)}`);
  assert.equal(verify.status, 403);
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where source = 'wecom'`), 0);
});

test('reconcile against contacts imported from the 客户联系 export: matched by phone and linked, never closes what it cannot identify, reports it', async () => {
  const staff = join(h.dir, 'staff.csv');
  writeFileSync(staff, 'code,name,store_code,wecom_userid\nG01,王芳,S01,guide-li\n');
  await importFiles(h.app, { entity: 'staff', files: [staff] });
  const contacts = join(h.dir, 'contacts.csv');
  // Nine contacts of one guide, as the export gives them: a phone, no external_userid.
  const phones = Array.from({ length: 9 }, (_, i) => `1390000000${i}`);
  writeFileSync(contacts, `staff_code,added_at,phone\n${phones.map((p, i) => `G01,2024-03-0${i + 1} 10:00:00,${p}`).join('\n')}\n`);
  await importFiles(h.app, { entity: 'contacts', files: [contacts] });
  const open = () => h.app.warehouse.scalar(`select count(*) from contact_ownership where staff_code = 'G01' and removed_at is null`);
  assert.equal(await open(), 9);

  // The API lists two of them with the phone the guide noted, and one external contact nobody can place.
  listed = [{ external_userid: 'wmA', remark_mobiles: [phones[0]] }, { external_userid: 'wmB', remark_mobiles: [`+86 ${phones[1]}`] }, { external_userid: 'wmNew', remark_mobiles: [] }];
  const customers = await h.app.warehouse.scalar('select count(*) from customers');
  const cfg = (await wecomConfig(h.app, 'wecom'))!;
  const r = await reconcileWecom(h.app, cfg);
  assert.deepEqual({ added: r.contacts_added, linked: r.contacts_linked, closed: r.contacts_closed, unmatched: r.contacts_unmatched, api: r.api_contacts_unmatched }, { added: 0, linked: 2, closed: 0, unmatched: 7, api: 1 });
  assert.equal(await open(), 9, 'no relationship closed');
  assert.equal(await h.app.warehouse.scalar('select count(*) from customers'), customers, 'no duplicate customer created');
  const owner = async (ext: string) => h.app.warehouse.scalar(`select customer_id from customer_identifiers where id_type = 'external_userid' and namespace = $ns and id_hash = $h`, { ns: CORP, h: keyedHash(h.app.keys, 'external_userid', ext) });
  const byPhone = async (p: string) => h.app.warehouse.scalar(`select customer_id from customer_identifiers where id_type = 'phone' and id_hash = $h`, { h: keyedHash(h.app.keys, 'phone', `+86${p}`) });
  assert.equal(await owner('wmA'), await byPhone(phones[0]), 'the external_userid joined the imported customer');

  // Once linked, a contact the API no longer lists is closed; the unidentified ones still are not.
  listed = [{ external_userid: 'wmB', remark_mobiles: [] }];
  const again = await reconcileWecom(h.app, cfg);
  assert.deepEqual({ closed: again.contacts_closed, unmatched: again.contacts_unmatched, added: again.contacts_added }, { closed: 1, unmatched: 7, added: 0 });
  assert.equal(await open(), 8);
});
