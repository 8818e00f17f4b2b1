/**
 * A store made by the main branch before the state store existed (test/fixtures/legacy-store-7b41d9a.md says how)
 * is moved at its first open, once, on SQLite and on PostgreSQL: what it held keeps working.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const fixture = join(import.meta.dirname, 'fixtures', 'legacy-store-7b41d9a.tgz');
const pg = startPostgres();
after(() => pg?.stop());

function legacyStore(): string {
  const root = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
  execFileSync('tar', ['-xzf', fixture, '-C', root]);
  return join(root, 'store');
}

for (const engine of ['sqlite', 'postgres'] as const) {
  test(`${engine}: a store from before the state store opens with its consents, merge rules and counts, moved once`, { skip: engine === 'postgres' && !pg ? postgresMissing() ?? 'no PostgreSQL' : false }, async () => {
    const dir = legacyStore();
    const env = { ...process.env, SIYU_DATA_DIR: dir, ...(engine === 'postgres' ? { SIYU_STATE_URL: pg!.database() } : {}) };
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    try {
      assert.deepEqual(JSON.parse(run('stats', '--json')), { customers: 4, orders: 4, events: 0, gmv: 460 });
      const c3 = JSON.parse(run('consent', 'show', '--customer', '3', '--json'));
      assert.deepEqual(c3.history.map((h: { purpose: string; status: string }) => [h.purpose, h.status]), [['marketing_wecom', 'granted']]);
      assert.equal(c3.current.marketing_wecom.allowed, true);
      const c2 = JSON.parse(run('consent', 'show', '--customer', '2', '--json'));
      assert.deepEqual(c2.history.map((h: { purpose: string; status: string }) => [h.purpose, h.status]), [['analytics', 'withdrawn']]);
      // opened again: nothing is copied twice
      run('stats', '--json');
      const again = JSON.parse(run('consent', 'show', '--customer', '3', '--json'));
      assert.equal(again.history.length, 1);
      // users, their one-time passwords and the API key still work
      const users = JSON.parse(run('users', 'list', '--json')).map((u: { username: string; role: string; must_change_password: boolean | number }) => [u.username, u.role, Boolean(u.must_change_password)]);
      assert.deepEqual(users, [['ana', 'analyst', true], ['gui', 'guide', true]]);
      assert.equal(JSON.parse(run('audit', 'verify', '--json')).ok, true);
      const summary = JSON.parse(run('consent', 'summary', '--json'));
      const sms = summary.find((s: { purpose: string }) => s.purpose === 'marketing_sms');
      assert.equal(sms.granted, 1);
      // through the server: the user logs in with the one-time password, the API key authenticates
      const port = 23000 + Math.floor(Math.random() * 20000);
      const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...env, SIYU_JOBS: 'off' }, stdio: 'ignore' });
      try {
        const base = `http://127.0.0.1:${port}`;
        for (let i = 0; i < 240 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 250));
        const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ana', password: 'ULCRVzad9jP_73ED' }) });
        assert.equal(login.status, 200);
        assert.equal((await login.json()).must_change_password, true);
        const key = await fetch(`${base}/api/v1/stats`, { headers: { authorization: 'Bearer sk_508906ec_DHxc39pA8ftQv83nXRFLVB61g_R-eDjtlnnEuwVrdwY' } });
        assert.equal(key.status, 200);
        assert.equal((await key.json()).orders, 4);
      } finally {
        server.kill('SIGTERM');
        await new Promise((r) => server.on('exit', r));
      }
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}
