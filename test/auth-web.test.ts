// The web hardening of the console: liveness-only /healthz (harden #15), CSRF (#18), cookie and page headers (#19),
// password strength (#20), and the one-time password enforced in the API (first-look #4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createUser } from '../src/server/auth/users.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { randomSecret } from '../src/server/auth/passwords.ts';
import { passwordProblem } from '../src/server/auth/strength.ts';
import { seedPeople } from './privacy-fixture.ts';
import { liveServer, login, call, bearer, removeDir, announcedPassword } from './auth.helpers.ts';

const PW = 'Lotus-Harbour-Window-3';
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

test('anonymous /healthz is liveness only: no counts, no GMV, no file names; the counts need stats:read', async () => {
  const live = await liveServer();
  try {
    await seedPeople(live.app);
    // over the network (a proxy says who asked): nothing but liveness
    const h = await call(live.base, 'GET', '/healthz', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(h.status, 200);
    assert.deepEqual(h.body, { status: 'ok' });
    assert.deepEqual((await call(live.base, 'GET', '/healthz', { headers: { forwarded: 'for=198.51.100.2' } })).body, { status: 'ok' });
    // on the machine itself: the customer count a quick start waits for, and still no amounts or names
    assert.deepEqual((await call(live.base, 'GET', '/healthz')).body, { status: 'ok', customers: 2 });
    assert.equal((await call(live.base, 'GET', '/api/v1/stats')).status, 401);
    const stats = await call(live.base, 'GET', '/api/v1/stats', { headers: await authHeaders(live.app, 'auditor') });
    assert.equal(stats.status, 200);
    assert.equal(stats.body.customers, 2);
    assert.equal(stats.body.gmv, 600);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('CSRF: a state-changing request with the session cookie must come from this server; Bearer requests are exempt', async () => {
  const live = await liveServer();
  try {
    const token = (await authHeaders(live.app, 'owner')).authorization.slice('Bearer '.length);
    const cookie = { cookie: `siyu_session=${token}` };
    const own = live.base;
    const imp = (headers: Record<string, string>) => call(live.base, 'POST', '/api/v1/imports', { headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' } });
    const evil = await imp({ ...cookie, origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(evil.body.error, 'cross_site_request');
    assert.match(evil.body.message_zh, /Origin/);
    assert.equal((await imp(cookie)).status, 403, 'neither Origin nor Referer');
    assert.equal((await imp({ ...cookie, referer: 'http://evil.example/x' })).status, 403);
    assert.equal((await imp({ ...cookie, origin: 'null' })).status, 403);
    assert.notEqual((await imp({ ...cookie, origin: own })).status, 403, 'from our own page');
    assert.notEqual((await imp({ ...cookie, referer: `${own}/report` })).status, 403);
    assert.notEqual((await imp({ authorization: `Bearer ${token}`, origin: 'http://evil.example' })).status, 403, 'a Bearer token cannot be forged by a page');
    // reading with the cookie is fine from anywhere (SameSite=Lax and CORS keep the answer from other sites)
    assert.equal((await call(live.base, 'GET', '/api/v1/stats', { headers: { ...cookie, origin: 'http://evil.example' } })).status, 200);
    // logging in from another site's page is refused (login CSRF); API clients send no Origin
    await createUser(live.app, { username: 'ana', role: 'analyst', password: PW });
    assert.equal((await login(live.base, 'ana', PW, { origin: 'http://evil.example' })).status, 403);
    assert.equal((await login(live.base, 'ana', PW, { origin: own })).status, 200);
    assert.equal((await login(live.base, 'ana', PW)).status, 200);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('the session cookie is HttpOnly, SameSite=Lax, and Secure over HTTPS from a trusted proxy only', async () => {
  const plain = await liveServer({ trustProxy: false });
  const proxied = await liveServer({ trustProxy: '127.0.0.1' });
  try {
    for (const live of [plain, proxied]) await createUser(live.app, { username: 'ana', role: 'analyst', password: PW });
    const cookie = async (base: string, headers: Record<string, string> = {}) => String((await login(base, 'ana', PW, headers)).headers.get('set-cookie'));
    assert.match(await cookie(plain.base), /^siyu_session=ss_[\w-]+; HttpOnly; SameSite=Lax; Path=\/; Max-Age=43200$/);
    assert.doesNotMatch(await cookie(plain.base, { 'x-forwarded-proto': 'https' }), /Secure/, 'an untrusted header is ignored');
    assert.match(await cookie(proxied.base, { 'x-forwarded-proto': 'https' }), /; Secure$/);
    assert.doesNotMatch(await cookie(proxied.base), /Secure/);
  } finally {
    for (const live of [plain, proxied]) {
      await live.stop();
      removeDir(live.dir);
    }
  }
});

test('pages send X-Frame-Options and a CSP that allows exactly their own inline scripts; unmask answers are not cached', async () => {
  const live = await liveServer();
  try {
    const page = await fetch(`${live.base}/login`);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const csp = String(page.headers.get('content-security-policy'));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline[^;]*;.*script-src|script-src[^;]*unsafe-inline/);
    const html = await page.text();
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
    assert.ok(inline.length >= 1);
    for (const h of inline) assert.ok(csp.includes(h), `CSP lacks ${h}`);
    const docs = await fetch(`${live.base}/docs/`, { redirect: 'follow' });
    assert.equal(docs.headers.get('x-frame-options'), 'DENY');
    await seedPeople(live.app);
    const unmask = await call(live.base, 'POST', '/api/v1/customers/1/unmask', { headers: await authHeaders(live.app, 'owner'), body: { fields: ['phone'], reason: 'customer called about an order' } });
    assert.equal(unmask.status, 200);
    assert.equal(unmask.headers.get('cache-control'), 'no-store');
    const s = await login(live.base, 'owner', announcedPassword(live.said));
    assert.equal(s.headers.get('cache-control'), 'no-store', 'a token is not cached either');
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('weak passwords are refused (password12, qwertyuiop1) by the API and the CLI; generated one-time passwords pass', async () => {
  for (const weak of ['password12', 'qwertyuiop1', 'Password123', '1234567890', 'Qwerty12345']) assert.ok(await passwordProblem(weak), weak);
  for (let i = 0; i < 50; i++) assert.equal(await passwordProblem(randomSecret(12)), null);
  const live = await liveServer();
  try {
    await createUser(live.app, { username: 'ana', role: 'analyst', password: PW });
    const s = await login(live.base, 'ana', PW);
    for (const weak of ['password12', 'qwertyuiop1']) {
      const r = await call(live.base, 'POST', '/api/v1/auth/password', { headers: bearer(s.body.token), body: { old_password: PW, new_password: weak } });
      assert.deepEqual([r.status, r.body.error], [400, 'weak_password'], weak);
    }
    assert.equal((await login(live.base, 'ana', PW)).status, 200, 'the old password still works');
  } finally {
    await live.stop();
  }
  const r = spawnSync(process.execPath, [bin, 'users', 'passwd', 'ana', '--password', 'qwertyuiop1'], { env: { ...process.env, SIYU_DATA_DIR: live.dir }, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: The password needs to be harder to guess/);
  assert.match(r.stderr, /密码强度不足/);
  removeDir(live.dir);
});

test('a one-time password opens only change-password, logout and me; after the change the old password is dead', async () => {
  const live = await liveServer();
  try {
    const first = announcedPassword(live.said);
    const s = await login(live.base, 'owner', first);
    assert.equal(s.body.must_change_password, true);
    const auth = bearer(s.body.token);
    for (const [method, path] of [['GET', '/api/v1/insight/kpi'], ['GET', '/api/v1/users'], ['GET', '/api/v1/stats'], ['POST', '/api/v1/customers/1/unmask']]) {
      const r = await call(live.base, method, path, { headers: auth, body: method === 'POST' ? { fields: ['phone'], reason: 'x' } : undefined });
      assert.deepEqual([r.status, r.body.error], [403, 'password_change_required'], `${method} ${path}`);
    }
    const me = await call(live.base, 'GET', '/api/v1/auth/me', { headers: auth });
    assert.deepEqual([me.status, me.body.must_change_password], [200, true]);
    const wrong = await call(live.base, 'POST', '/api/v1/auth/password', { headers: auth, body: { old_password: 'not-it-at-all-9', new_password: PW } });
    assert.deepEqual([wrong.status, wrong.body.error], [401, 'wrong_password']);
    const ch = await call(live.base, 'POST', '/api/v1/auth/password', { headers: auth, body: { old_password: first, new_password: PW } });
    assert.equal(ch.status, 200, JSON.stringify(ch.body));
    assert.equal(ch.body.must_change_password, false);
    assert.equal((await call(live.base, 'GET', '/api/v1/users', { headers: auth })).status, 401, 'the old session ended');
    assert.equal((await call(live.base, 'GET', '/api/v1/users', { headers: bearer(ch.body.token) })).status, 200, 'the session the change returned works');
    assert.equal((await login(live.base, 'owner', first)).status, 401, 'the one-time password is dead');
    const again = await login(live.base, 'owner', PW);
    assert.deepEqual([again.status, again.body.must_change_password], [200, false]);
    assert.equal((await call(live.base, 'GET', '/api/v1/insight/kpi', { headers: bearer(again.body.token) })).status, 200);
    const out = await call(live.base, 'POST', '/api/v1/auth/logout', { headers: bearer(again.body.token) });
    assert.equal(out.status, 200);
    assert.equal((await call(live.base, 'GET', '/api/v1/users', { headers: bearer(again.body.token) })).status, 401);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('an expired session is refused, even one the server has just seen', async () => {
  const live = await liveServer();
  try {
    await createUser(live.app, { username: 'ana', role: 'analyst', password: PW });
    const s = await login(live.base, 'ana', PW);
    const auth = bearer(s.body.token);
    await live.app.state.run(`update sessions set expires_at = $t where username = 'ana'`, { t: Date.now() + 600 });
    assert.equal((await call(live.base, 'GET', '/api/v1/auth/me', { headers: auth })).status, 200);
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await call(live.base, 'GET', '/api/v1/auth/me', { headers: auth })).status, 401);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});
