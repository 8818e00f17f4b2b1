import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from './collect.helpers.ts';
import { runningCollector } from '../src/collect/collector.ts';
import { claimedIdentifiers } from '../src/collect/profile.ts';
import { importFiles } from '../src/ingest/index.ts';
import { customerPortrait } from '../src/insight/portraits.ts';
import { consentHistory } from '../src/privacy/consentLedger.ts';
import { keyedHash } from '../src/domain/privacy/cipher.ts';

/**
 * A public write key must not rewrite a person or forge consent (hardening #4). The probe: `identify` with a new
 * userId and an imported customer's phone attached the attacker to that customer and overwrote name and city; a
 * `Consent Updated` track then granted marketing, third-party sharing and a sensitive class. A client source (the
 * default: its key is in web pages) now only claims identifiers; a server source still identifies as an import does.
 */
let h: Harness;
let victim = 0;
const basic = (k: string) => `Basic ${Buffer.from(`${k}:`).toString('base64')}`;
const keys: Record<string, string> = {};
const post = (source: string, path: string, body: unknown) => fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: basic(keys[source]), 'content-type': 'application/json' }, body: JSON.stringify(body) });

before(async () => {
  h = await startHarness();
  const file = join(h.dir, 'customers.csv');
  writeFileSync(file, 'member_no,phone,name,gender,province,city\nM7001,13912345678,王建国,男,浙江,杭州市\nM7002,18600001111,李秀英,女,江苏,南京市\n');
  await importFiles(h.app, { entity: 'customers', files: [file] });
  victim = await h.app.warehouse.scalar(`select customer_id from customer_identifiers where id_type = 'member_no' and id_hash = $h`, { h: keyedHash(h.app.keys, 'member_no', 'M7001') });
  keys.web = (await h.source('web')).write_key;
  keys.form = (await h.source('form', { settings: { capture_consent: true } })).write_key;
  keys.backend = (await h.source('backend', { trust: 'server' })).write_key;
});
after(async () => h.close());

async function settle(): Promise<void> {
  await h.drained();
  const c = runningCollector(h.dir)!;
  while ((await c.identity.applyPending()) > 0);
}

const customerOfUser = (userId: string) => h.app.warehouse.scalar(`select customer_id from customer_identifiers where id_type = 'user_id' and id_hash = $h`, { h: keyedHash(h.app.keys, 'user_id', userId) });

test('a client source: identify with an imported customer\'s phone, name and city, then a forged consent — the customer is unchanged, the claim stays with the sender, unverified', async () => {
  const before = await customerPortrait(h.app, victim);
  const consentBefore = await consentHistory(h.app, victim);
  assert.equal(before.attributes.city, '杭州市');
  assert.equal((await post('web', '/v1/identify', { type: 'identify', userId: 'attacker-1', messageId: 'takeover-1', traits: { phone: '13912345678', name: '赵六六', city: '深圳市' } })).status, 200);
  await settle();
  assert.equal((await post('web', '/v1/track', { type: 'track', event: 'Consent Updated', userId: 'attacker-1', messageId: 'takeover-2', properties: { marketing_sms: true, third_party: true, sensitive_health: true } })).status, 200);
  await settle();

  const after = await customerPortrait(h.app, victim);
  assert.deepEqual(after.attributes, before.attributes, 'name and city kept');
  assert.deepEqual(after.identifiers, before.identifiers, 'no identifier joined the customer');
  assert.deepEqual(after.timeline, before.timeline, 'none of the sender\'s events is on the customer\'s timeline');
  assert.deepEqual(await consentHistory(h.app, victim), consentBefore, 'no consent recorded');

  // The sender is a customer of its own, with its events, its traits and the phone as an unverified claim.
  const attacker = await customerOfUser('attacker-1');
  assert.ok(attacker > 0 && attacker !== victim);
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where customer_id = $c`, { c: attacker }), 2);
  assert.deepEqual(await claimedIdentifiers(h.app, attacker), [{ type: 'phone', masked: '139****5678', source_id: 1, verified: false }]);
  assert.equal((await customerPortrait(h.app, attacker)).attributes.city, '深圳市');
  assert.deepEqual(await consentHistory(h.app, attacker), [], 'a client source without --capture-consent records no consent');
  assert.equal(await h.app.warehouse.scalar(`select count(*) from customer_identifiers where id_type = 'phone' and customer_id = $c`, { c: attacker }), 0, 'the claim is no join key');
});

test('a client source fills profile fields that are empty and never changes one already set', async () => {
  assert.equal((await post('backend', '/v1/identify', { type: 'identify', userId: 'member-55', messageId: 'srv-55', traits: { name: '孙丽', city: '上海市' } })).status, 200);
  await settle();
  assert.equal((await post('web', '/v1/identify', { type: 'identify', userId: 'member-55', messageId: 'cli-55', traits: { name: '假名', city: '北京市', province: '北京', gender: 'female' } })).status, 200);
  await settle();
  const a = (await customerPortrait(h.app, await customerOfUser('member-55'))).attributes;
  assert.deepEqual({ name: a.name, city: a.city, province: a.province, gender: a.gender }, { name: '孙*', city: '上海市', province: '北京', gender: 'female' });
});

test('a client source that captures consent records it only with its evidence, and never third-party sharing, a sensitive class or a guardian', async () => {
  const consent = { marketing_sms: true, marketing_email: true, third_party: true, sensitive_health: true, guardian: true, policy_version: 'privacy-v3', context: 'signup form, box 2, call 13800001234' };
  assert.equal((await post('form', '/v1/identify', { type: 'identify', userId: 'visitor-9', messageId: 'cc-1', traits: { consent } })).status, 200);
  assert.equal((await post('form', '/v1/track', { type: 'track', event: 'Consent Updated', userId: 'visitor-9', messageId: 'cc-2', properties: { marketing_push: true } })).status, 200);
  assert.equal((await post('web', '/v1/track', { type: 'track', event: 'Consent Updated', userId: 'visitor-9', messageId: 'cc-3', properties: { analytics: 'withdrawn', policy_version: 'v3', context: 'banner' } })).status, 200);
  await settle();
  const got = (await consentHistory(h.app, await customerOfUser('visitor-9'))).map((r) => [r.purpose, r.status, r.policy_version, r.evidence]);
  assert.deepEqual(got.sort(), [
    ['marketing_email', 'granted', 'privacy-v3', 'collected identify: signup form, box 2, call 138****1234'],
    ['marketing_sms', 'granted', 'privacy-v3', 'collected identify: signup form, box 2, call 138****1234'],
  ], 'no evidence (cc-2) and a source that does not capture consent (cc-3) record nothing');
});

test('a server source identifies as an import does: the phone joins the imported customer, traits and consent apply', async () => {
  const other = await h.app.warehouse.scalar(`select customer_id from customer_identifiers where id_type = 'member_no' and id_hash = $h`, { h: keyedHash(h.app.keys, 'member_no', 'M7002') });
  assert.equal((await post('backend', '/v1/identify', { type: 'identify', userId: 'crm-7002', messageId: 'srv-1', traits: { phone: '18600001111', city: '苏州市', consent: { third_party: true } } })).status, 200);
  await settle();
  assert.equal(await customerOfUser('crm-7002'), other, 'the server\'s user id joined the customer holding that phone');
  assert.equal((await customerPortrait(h.app, other)).attributes.city, '苏州市');
  assert.deepEqual((await consentHistory(h.app, other)).map((r) => [r.purpose, r.status]), [['third_party', 'granted']]);
  // a crash that loses the facts' marks (the warehouse's log is not replayed) makes the applier take them again:
  // the consent they carry is recorded once
  await h.app.warehouse.run(`update collect_identity_facts set applied_at = null`);
  await settle();
  assert.deepEqual((await consentHistory(h.app, other)).map((r) => [r.purpose, r.status]), [['third_party', 'granted']], 'recorded once');
});
