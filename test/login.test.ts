import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';

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
    const password = said.join('\n').match(/one-time password (\S+)/)?.[1];
    assert.ok(password, 'the first start announces the owner password once');
    const ok = await server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'owner', password } });
    assert.equal(ok.statusCode, 200, ok.body);
    const cookie = String(ok.headers['set-cookie']).split(';')[0];
    const stats = await server.inject({ method: 'GET', url: '/api/v1/stats', headers: { cookie } });
    assert.equal(stats.statusCode, 200);
    assert.equal(stats.json().customers, 0);
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
