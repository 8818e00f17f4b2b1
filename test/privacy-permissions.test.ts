import { seedConsents } from './support/consents.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { buildServer, registeredRoutes } from '../src/server/app.ts';
import { ROLES, roleAllows } from '../src/domain/privacy/roles.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { createApiKey, ensureOwner } from '../src/server/auth/users.ts';
import { seedPeople } from './privacy-fixture.ts';

const PASSED = 299;

test('permission matrix: every registered endpoint, every role — no access beyond the matrix; no login, no access', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-perm-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true, announce: () => undefined });
  // after the auth hook: a request that got through answers 299 instead of running the handler
  server.addHook('onRequest', async (req, reply) => {
    if (req.principal || req.routeOptions.config?.public) return reply.status(PASSED).send({ passed: true });
  });
  await server.ready();
  try {
    const routes = registeredRoutes(server).filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    assert.ok(routes.length >= 20, `only ${routes.length} routes`);
    const headers = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await authHeaders(app, r)] as const)));
    const problems: string[] = [];
    for (const r of routes) {
      const url = r.url.replace(/:(\w+)/g, '1').replace(/\*$/, 'x');
      const anon = await server.inject({ method: r.method as 'GET', url });
      if (r.public) {
        if (anon.statusCode !== PASSED) problems.push(`${r.method} ${r.url}: public but ${anon.statusCode}`);
        continue;
      }
      if (r.url === '/internal/cli') {
        if (anon.statusCode !== 403) problems.push(`${r.method} ${r.url}: no token gave ${anon.statusCode}`);
        continue;
      }
      if (anon.statusCode !== 401) problems.push(`${r.method} ${r.url}: no login gave ${anon.statusCode}`);
      for (const role of ROLES) {
        const res = await server.inject({ method: r.method as 'GET', url, headers: headers[role] });
        const want = r.permission !== undefined && roleAllows(role, r.permission);
        const got = res.statusCode === PASSED;
        if (want !== got) problems.push(`${r.method} ${r.url} [${r.permission ?? 'no permission'}] as ${role}: ${got ? 'allowed' : `denied ${res.statusCode}`}, matrix says ${want ? 'allow' : 'deny'}`);
        if (!got && res.statusCode !== 403) problems.push(`${r.method} ${r.url} as ${role}: ${res.statusCode} instead of 403`);
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a scoped API key is held to its scopes; a revoked or forged key is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-perm-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true, announce: () => undefined });
  try {
    const k = await createApiKey(app, { name: 'bi', role: 'analyst', scopes: ['consent:read'] });
    const auth = { authorization: `Bearer ${k.key}` };
    assert.equal((await server.inject({ method: 'GET', url: '/api/v1/consents/summary', headers: auth })).statusCode, 200);
    assert.equal((await server.inject({ method: 'POST', url: '/api/v1/lint', headers: auth, payload: { text: '好茶' } })).statusCode, 403);   // analyst may lint, the key may not
    assert.equal((await server.inject({ method: 'GET', url: '/api/v1/audit', headers: auth })).statusCode, 403);
    await assert.rejects(createApiKey(app, { name: 'x', role: 'analyst', scopes: ['audit:read'] }), /not a permission the role analyst holds/);
    const forged = { authorization: `Bearer ${k.key.slice(0, -2)}xx` };
    assert.equal((await server.inject({ method: 'GET', url: '/api/v1/consents/summary', headers: forged })).statusCode, 401);
    assert.equal((await server.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.equal((await server.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('first start: an owner with a one-time password printed once; login, must change, wrong passwords lock out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-perm-'));
  const app = await openApp({ dir });
  const said: string[] = [];
  const server = await buildServer(app, { auth: true, announce: (t) => said.push(t) });
  try {
    assert.equal(said.length, 1);
    const pw = /one-time password (\S+)/.exec(said[0])![1];
    assert.equal(await ensureOwner(app), null, 'created (and printed) only once');
    const login = await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password: pw } });
    assert.equal(login.statusCode, 200);
    const s = login.json();
    assert.equal(s.role, 'owner');
    assert.equal(s.must_change_password, true);
    assert.match(String(login.headers['set-cookie']), /siyu_session=ss_.*HttpOnly; SameSite=Lax/);
    const me = await server.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `siyu_session=${s.token}` } });
    assert.equal(me.json().id, 'owner');
    assert.equal(me.json().must_change_password, true);
    const ch = await server.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { authorization: `Bearer ${s.token}` }, payload: { old_password: pw, new_password: 'new-Secret-42' } });
    assert.equal(ch.statusCode, 200);
    assert.equal((await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password: pw } })).statusCode, 401);
    for (let i = 0; i < 4; i++) await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password: 'wrong' } });
    assert.equal((await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password: 'new-Secret-42' } })).statusCode, 429);
    // the password never reaches the database or the audit log in clear; users live in the state store
    assert.equal(await app.state.scalar(`select count(*) from users where username = 'owner'`), 1);
    assert.equal(await app.state.scalar(`select count(*) from users where password_hash like '%new-Secret-42%'`), 0);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where detail like '%Secret%'`), 0);
    assert.ok(await app.state.scalar(`select count(*) from audit_log where action = 'auth.login_failed'`) >= 5);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store guide sees only their own customers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-perm-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true, announce: () => undefined });
  try {
    await app.warehouse.run(`insert into customers (workspace_id, id, owner_staff_code) values (1, 1, 'G01'), (1, 2, 'G02'), (1, 3, null)`);
    await app.warehouse.run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at) values (1, 3, 'G01', now())`);
    const g = await authHeaders(app, 'guide', { staffCode: 'G01' });
    const get = (id: number) => server.inject({ method: 'GET', url: `/api/v1/consents/${id}`, headers: g });
    assert.deepEqual([(await get(1)).statusCode, (await get(2)).statusCode, (await get(3)).statusCode], [200, 404, 200]);
    const rec = await server.inject({ method: 'POST', url: '/api/v1/consents', headers: g, payload: { customer_id: 2, purpose: 'marketing_wecom', status: 'granted' } });
    assert.equal(rec.statusCode, 404);
    const own = await server.inject({ method: 'POST', url: '/api/v1/consents', headers: g, payload: { customer_id: 1, purpose: 'marketing_wecom', status: 'granted', source: 'store' } });
    assert.equal(own.statusCode, 201);
    assert.match(String(await app.state.scalar(`select count(*) from audit_log where action = 'consent.change' and actor like 'user:test-guide-%'`)), /^1$/);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unmask is a separate permission: a marketer is refused, an owner sees the clear value and it is audited; other responses are masked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-perm-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true, announce: () => undefined });
  try {
    await seedPeople(app);
    const body = { fields: ['phone', 'name'], reason: 'customer called about an order' };
    const m = await server.inject({ method: 'POST', url: '/api/v1/customers/1/unmask', headers: await authHeaders(app, 'marketer'), payload: body });
    assert.equal(m.statusCode, 403);
    const o = await server.inject({ method: 'POST', url: '/api/v1/customers/1/unmask', headers: await authHeaders(app, 'owner'), payload: body });
    assert.equal(o.statusCode, 200);
    assert.deepEqual(o.json(), { phone: ['+8613812345678'], name: '王小明' });
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'pii.unmask' and target = 'customer:1' and actor like 'user:test-owner-%'`), 1);
    // a consent record whose evidence was typed with a phone number comes back masked
    await seedConsents(app, [{ customerId: 2, purpose: 'analytics', status: 'granted', changedAt: new Date(), evidence: 'called 13987654321' }]);
    const c = await server.inject({ method: 'GET', url: '/api/v1/consents/2', headers: await authHeaders(app, 'admin') });
    assert.ok(c.body.includes('139****4321'));
    assert.ok(!c.body.includes('13987654321'));
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
