// harden #6: session and API-key expiry are instants (epoch ms), whatever the server's time zone. The CLI and the
// server run with TZ=Pacific/Kiritimati (UTC+14) and TZ=Asia/Shanghai (UTC+8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { call, login, bearer, removeDir } from './auth.helpers.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const HOUR = 3_600_000;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

for (const tz of ['Pacific/Kiritimati', 'Asia/Shanghai']) {
  test(`TZ=${tz}: a fresh session lasts 12 hours and a 1-day key a day, both accepted at once`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siyu-tz-'));
    const env = { ...process.env, SIYU_DATA_DIR: dir, TZ: tz };
    const siyu = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const ana = siyu('users', 'add', 'ana', '--role', 'analyst', '--json');
    const key = siyu('users', 'api-key', 'create', 'bi', '--role', 'analyst', '--expires-days', '1', '--json');
    const listed = siyu('users', 'api-key', 'list', '--json')[0];
    const expires = Date.parse(listed.expires_at);
    assert.ok(Math.abs(expires - (Date.now() + 24 * HOUR)) < 5 * 60_000, `key expires ${listed.expires_at}`);
    const port = await freePort();
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; i < 120; i++) {
        if (await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const s = await login(base, 'ana', ana.password);
      assert.equal(s.status, 200, JSON.stringify(s.body));
      const lasts = Date.parse(s.body.expires_at) - Date.now();
      assert.ok(Math.abs(lasts - 12 * HOUR) < 5 * 60_000, `session expires ${s.body.expires_at}`);
      const me = await call(base, 'GET', '/api/v1/auth/me', { headers: bearer(s.body.token) });
      assert.equal(me.status, 200, 'a fresh session is accepted');
      assert.equal(me.body.expires_at, s.body.expires_at);
      const viaKey = await call(base, 'GET', '/api/v1/auth/me', { headers: bearer(key.key) });
      assert.equal(viaKey.status, 200, 'a fresh key is accepted');
      assert.equal(Date.parse(viaKey.body.expires_at), expires);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      removeDir(dir);
    }
  });
}
