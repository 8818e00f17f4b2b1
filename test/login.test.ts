import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { safeNext } from '../src/server/routes/login.ts';

test('a browser without a session is sent to the sign-in page, then back where it was headed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-login-'));
  const app = await openApp({ dir });
  const said: string[] = [];
  const server = await buildServer(app, { auth: true, announce: (t) => said.push(t) });
  try {
    const page = await server.inject({ method: 'GET', url: '/report?lang=en', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 302);
    assert.equal(page.headers.location, '/login?next=%2Freport%3Flang%3Den');
    const api = await server.inject({ method: 'GET', url: '/api/v1/stats', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 401, 'API clients get 401, not a redirect');
    const login = await server.inject({ method: 'GET', url: '/login' });
    assert.equal(login.statusCode, 200);
    assert.match(login.body, /登录 Sign in/);
    assert.match(login.body, /修改密码 Change password/);
    assert.match(login.body, /退出 Log out/);
    const password = said.join('\n').match(/one-time password (\S+)/)?.[1];
    assert.ok(password, 'the first start announces the owner password once');
    const ok = await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().must_change_password, true);
    let cookie = String(ok.headers['set-cookie']).split(';')[0];
    // a one-time password opens nothing but the change-password form
    const blocked = await server.inject({ method: 'GET', url: '/api/v1/stats', headers: { cookie } });
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json().error, 'password_change_required');
    const home = await server.inject({ method: 'GET', url: '/report?lang=en', headers: { cookie, accept: 'text/html' } });
    assert.equal(home.statusCode, 302);
    assert.equal(home.headers.location, '/login?change=1&next=%2Freport%3Flang%3Den');
    const changed = await server.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie, origin: 'http://localhost' }, payload: { old_password: password, new_password: 'Jade-Kettle-Morning-19' } });
    assert.equal(changed.statusCode, 200, changed.body);
    cookie = String(changed.headers['set-cookie']).split(';')[0];
    const stats = await server.inject({ method: 'GET', url: '/api/v1/stats', headers: { cookie } });
    assert.equal(stats.statusCode, 200);
    assert.equal(stats.json().customers, 0);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// harden #7: every way a browser reads a path as another host, and schemes, are refused
const HOSTILE = [
  '/\\evil.example/phish', '//evil.example', '/\\/evil.example', '\\\\evil.example', '\\/evil.example', '/\t/evil.example', '/\n/evil.example',
  '/\r\n/evil.example', ' //evil.example', 'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'https://evil.example', 'http:evil.example', '//evil.example/%2F..',
  '/%5Cevil.example'.replace('%5C', '\\'), decodeURIComponent('/%5Cevil.example/phish'), decodeURIComponent('%2F%2Fevil.example'), decodeURIComponent('/%09/evil.example'),
  'data:text/html,<script>alert(1)</script>', '', '/\u0000/evil.example',
];
const FINE = ['/', '/report?lang=en', '/report#ch-rfm', '/%5Cnot-a-host', '/a//b', '/docs/'];

test('safeNext follows only same-site paths (no open redirect after sign-in)', () => {
  for (const next of HOSTILE) assert.equal(safeNext(next), '/', JSON.stringify(next));
  for (const next of FINE) assert.equal(safeNext(next), next);
  assert.equal(safeNext(undefined), '/');
});

test("the sign-in page's own script sends the browser only to same-site paths", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-login-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { announce: () => undefined });
  try {
    const html = (await server.inject({ method: 'GET', url: '/login' })).body;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const where = (next: string) => {
      // the page's script, run with a stand-in for the browser: the form submits, the login answers 200
      const ids: Record<string, any> = {};
      const el = (id: string) => (ids[id] ??= { hidden: false, value: id === 'u' ? 'owner' : 'pw', textContent: '', focus() {}, handlers: {} as Record<string, (e: unknown) => unknown>, addEventListener(ev: string, fn: (e: unknown) => unknown) { this.handlers[ev] = fn; } });
      const location = { search: `?next=${encodeURIComponent(next)}`, origin: 'http://127.0.0.1:3000', href: '' };
      const ctx = { document: { getElementById: el }, location, URL, URLSearchParams, JSON, fetch: async () => ({ ok: true, status: 200, json: async () => ({ must_change_password: false }) }) };
      runInNewContext(script, ctx);
      return ids.f.handlers.submit({ preventDefault() {} }).then(() => location.href);
    };
    for (const next of HOSTILE) assert.equal(await where(next), '/', JSON.stringify(next));
    for (const next of FINE) assert.equal(await where(next), next);
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
