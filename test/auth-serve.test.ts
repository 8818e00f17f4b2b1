// `siyu serve` from the terminal: a busy port fails before anything is created (first-look #16), and the request
// log is one readable line per request on a TTY, JSON otherwise, quiet for /healthz (first-look #20).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { removeDir } from './auth.helpers.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

test('siyu serve on a busy port fails before creating the owner or printing a password, and suggests --port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-serve-'));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = spawnSync(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    assert.match(r.stderr, new RegExp(`--port ${port + 1}`));
    assert.match(r.stderr, /端口已被占用/);
    assert.doesNotMatch(r.stderr + r.stdout, /one-time password|一次性密码/);
    assert.equal(existsSync(paths.state(dir)), false, 'the store was not even opened');
    const app = await openApp({ dir });
    try {
      assert.equal(await app.state.scalar('select count(*) from users'), 0);
    } finally {
      await app.close();
    }
  } finally {
    busy.close();
    removeDir(dir);
  }
});

async function serveAndAsk(child: ChildProcess, port: number, out: () => string): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 160 && !(await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 250));
  for (let i = 0; i < 3; i++) await fetch(`${base}/healthz`);
  assert.equal((await fetch(`${base}/api/v1/stats?token=secret-in-query`)).status, 401);
  assert.equal((await fetch(`${base}/nowhere`)).status, 404);
  for (let i = 0; i < 40 && !/nowhere/.test(out()); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  await exited;
}

test('on a terminal: one readable line per request (method path status ms), no JSON, no health checks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-serve-'));
  const port = await freePort();
  // script(1) gives the server a pseudo-terminal, as `npm start` in a terminal has
  const child = spawn('script', ['-qfec', `${process.execPath} ${bin} serve --port ${port}`, '/dev/null'], { env: { ...process.env, SIYU_DATA_DIR: dir }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on('error', () => undefined);   // the pty closes as it ends
  try {
    await serveAndAsk(child, port, () => out);
    const lines = out.replace(/\r/g, '').split('\n');
    assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d {2}GET \/api\/v1\/stats 401 \d+ ms$/.test(l)), out);
    assert.ok(lines.some((l) => /^\d\d:\d\d:\d\d {2}GET \/nowhere 404 \d+ ms$/.test(l)), out);
    assert.doesNotMatch(out, /"level":|"reqId"|incoming request|request completed/);
    assert.doesNotMatch(out, /healthz/);
    assert.doesNotMatch(out, /secret-in-query/);
  } finally {
    removeDir(dir);
  }
});

test('not on a terminal: JSON lines, one per request; SIYU_LOG_HEALTH=1 logs health checks too', async () => {
  for (const health of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'siyu-serve-'));
    const port = await freePort();
    const env = { ...process.env, SIYU_DATA_DIR: dir, ...(health ? { SIYU_LOG_HEALTH: '1' } : {}) };
    const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      await serveAndAsk(child, port, () => out);
      const records = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = records.filter((r) => r.msg === 'request').map((r) => `${r.method} ${r.path} ${r.status}`);
      assert.ok(requests.includes('GET /api/v1/stats 401'), out);
      assert.ok(requests.includes('GET /nowhere 404'), out);
      assert.equal(requests.filter((r) => r.startsWith('GET /healthz')).length >= 4, health, out);
      assert.ok(records.filter((r) => r.msg === 'request').every((r) => typeof r.ms === 'number'));
      assert.equal(records.filter((r) => /incoming request|request completed/.test(String(r.msg))).length, 0);
    } finally {
      removeDir(dir);
    }
  }
});
