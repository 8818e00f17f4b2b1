import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { keyedHash } from '../src/domain/privacy/cipher.ts';
import { runProgram } from '../src/cli/program.ts';
import { bufferOutput } from '../src/cli/output.ts';
import { restrict } from '../src/privacy/dsr/rights.ts';
import { smallShop } from './insight/fixture.ts';

/** Identifiers as the import stores them: the keyed hash of the normalised value, a masked copy, never the value. */
async function identifiers(app: App): Promise<void> {
  const rows: [string, string, string, string, number][] = [
    ['phone', '', '+8613812345678', '138****5678', 1],
    ['member_no', '', 'VIP001', 'VI****01', 2],
    ['email', '', 'li.na@example.com', 'l***@example.com', 3],
    ['openid', 'wxapp1', 'o-abc-123', 'o-****23', 4],
    ['openid', 'wxapp2', 'o-abc-123', 'o-****23', 5],
    ['external_userid', 'corpA', 'wmEXT42', 'wm****42', 4],
  ];
  for (const [t, ns, v, m, c] of rows) {
    await app.warehouse.run(`insert into customer_identifiers (workspace_id, id_type, namespace, id_hash, id_masked, customer_id) values (1, $t, $ns, $h, $m, $c)`,
      { t, ns, h: keyedHash(app.keys, t, v), m, c });
  }
  await app.warehouse.run(`update customers set owner_staff_code = 'G1' where id = 1`);
  await app.warehouse.run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at, removed_at) values (1, 3, 'G1', '2024-01-01', null), (1, 4, 'G1', '2024-01-01', '2024-02-01'), (1, 2, 'G2', '2024-01-01', null)`);
}

test('siyu insight customer finds a customer by phone, member number, e-mail, openid with its app, external_userid with its corp — normalised as imports are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-find-'));
  const app = await openApp({ dir });
  try {
    await smallShop(app);
    await identifiers(app);
    const cli = async (...args: string[]) => {
      const output = bufferOutput();
      const code = await runProgram(['insight', 'customer', ...args, '--json'], { output, cwd: dir, forwarded: false, withApp: (fn) => fn(app) });
      return { code, out: output.stdout.join(''), err: output.stderr.join('') };
    };
    const id = async (...args: string[]) => {
      const r = await cli(...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      return JSON.parse(r.out).customer_id;
    };
    assert.equal(await id('--phone', '+86 138-1234-5678'), 1);
    assert.equal(await id('--phone', '13812345678'), 1);
    assert.equal(await id('--member-no', ' vip001 '), 2);
    assert.equal(await id('--email', 'Li.Na@Example.com'), 3);
    assert.equal(await id('--openid', 'o-abc-123', '--app', 'wxapp2'), 5);
    assert.equal(await id('--external-userid', 'wmEXT42', '--corp', 'corpA'), 4);
    assert.equal(await id('--external-userid', 'wmEXT42'), 4, 'any corp when none is named');
    const both = await cli('--openid', 'o-abc-123');
    assert.equal(both.code, 1);
    assert.match(both.err, /Several customers match \(4, 5\).*--app/);
    const masked = await cli('--phone', '138****5678');
    assert.equal(masked.code, 1);
    assert.match(masked.err, /masked/);
    const bad = await cli('--phone', '12345');
    assert.match(bad.err, /not one Siyu can read/);
    assert.doesNotMatch(bad.err, /12345/, 'the value is not echoed');
    const none = await cli('--phone', '13900000000');
    assert.match(none.err, /No customer holds that identifier/);
    const nothing = await cli();
    assert.match(nothing.err, /--id \(the customer id\), or --phone/);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GET /api/v1/customers: a lookup by phone, and a store guide lists and views only their own customers, paged and masked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-guide-'));
  const app = await openApp({ dir });
  const server = await buildServer(app);
  try {
    await smallShop(app);
    await identifiers(app);
    await restrict(app, 5);
    const analyst = await authHeaders(app, 'analyst');
    const guide = await authHeaders(app, 'guide', { staffCode: 'G1' });
    const get = async (url: string, headers: Record<string, string>) => {
      const r = await server.inject({ method: 'GET', url, headers });
      return { status: r.statusCode, body: r.json() };
    };
    const byPhone = await get(`/api/v1/customers?phone=${encodeURIComponent('+86 138 1234 5678')}`, analyst);
    assert.equal(byPhone.status, 200);
    assert.deepEqual(byPhone.body.customers.map((c: { customer_id: number; identifiers: unknown }) => [c.customer_id, c.identifiers]), [[1, [{ type: 'phone', masked: '138****5678' }]]]);
    const restricted = await get('/api/v1/customers?openid=o-abc-123&app=wxapp2', analyst);
    assert.deepEqual(restricted.body.customers.map((c: { customer_id: number; status: string }) => [c.customer_id, c.status]), [[5, 'restricted']], 'a lookup names a restricted customer, with the status');
    const all = await get('/api/v1/customers', analyst);
    assert.deepEqual(all.body.customers.map((c: { customer_id: number }) => c.customer_id), [1, 2, 3, 4], 'the list leaves the restricted customer out');
    const mine = await get('/api/v1/customers', guide);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.customers.map((c: { customer_id: number }) => c.customer_id), [1, 3], 'owned (customer 1) and an open contact (3); not a removed contact (4), not G2\'s (2)');
    const page1 = await get('/api/v1/customers?limit=1', guide);
    assert.deepEqual([page1.body.customers.map((c: { customer_id: number }) => c.customer_id), page1.body.next_after], [[1], 1]);
    const page2 = await get(`/api/v1/customers?limit=1&after=${page1.body.next_after}`, guide);
    assert.deepEqual([page2.body.customers.map((c: { customer_id: number }) => c.customer_id), page2.body.next_after], [[3], null]);
    assert.deepEqual((await get('/api/v1/customers?member_no=VIP001', guide)).body.customers, [], "another guide's customer is not found");
    assert.equal((await get('/api/v1/customers/2', guide)).status, 404);
    const one = await get('/api/v1/customers/1', guide);
    assert.equal(one.status, 200);
    assert.deepEqual([one.body.customer_id, one.body.identifiers], [1, [{ type: 'phone', masked: '138****5678' }]]);
    assert.equal(one.body.timeline[0].ts, '2024-03-02T12:00:00+08:00', 'times in the workspace zone with the offset');
    assert.doesNotMatch(JSON.stringify(mine.body), /13812345678|_cipher/);
    assert.equal((await get('/api/v1/customers?limit=0', guide)).status, 400);
    assert.equal((await get('/api/v1/customers?limit=1e308', guide)).status, 400);
    assert.equal((await get('/api/v1/customers?phone=123', guide)).status, 400);
    const auditor = await authHeaders(app, 'auditor');
    assert.equal((await get('/api/v1/customers', auditor)).status, 403, 'customers:read, as docs/permissions.md says');
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('insight outputs print times in the workspace zone with their offset: a 20:12 Beijing order reads 20:12+08:00', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-times-'));
  const app = await openApp({ dir });
  const server = await buildServer(app);
  try {
    await smallShop(app);
    await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount) values (1, 'bj', 4, '2026-06-04 12:12:00', '2026-06-04', 'paid', 9)`);
    await app.warehouse.run(`update customers set registered_at = '2024-01-31 16:30:00' where id = 4`);
    await app.warehouse.run(`insert into campaigns (workspace_id, campaign_id, name, started_at, ended_at) values (1, 'C1', 'c', '2024-01-31 16:00:00', '2024-03-01 16:00:00')`);
    await app.warehouse.run(`insert into campaign_members (workspace_id, campaign_id, customer_id, arm) values (1, 'C1', 4, 'treatment')`);
    const headers = await authHeaders(app, 'analyst');
    const p = (await server.inject({ method: 'GET', url: '/api/v1/insight/customer?id=4', headers })).json();
    assert.equal(p.timeline[0].ts, '2026-06-04T20:12:00+08:00');
    assert.equal(p.attributes.registered_at, '2024-02-01T00:30:00+08:00');
    const c = (await server.inject({ method: 'GET', url: '/api/v1/insight/campaigns', headers })).json();
    assert.deepEqual([c.campaigns[0].from, c.campaigns[0].until], ['2024-02-01T00:00:00+08:00', '2024-03-02T00:00:00+08:00']);
    await app.warehouse.run(`update workspaces set timezone = 'America/New_York' where id = 1`);
    const ny = (await server.inject({ method: 'GET', url: '/api/v1/insight/customer?id=4', headers })).json();
    assert.equal(ny.timeline[0].ts, '2026-06-04T08:12:00-04:00', 'the workspace zone, daylight saving time included');
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
