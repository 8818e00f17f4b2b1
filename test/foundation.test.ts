import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { openApp } from '../src/app/context.ts';
import { verifyAudit } from '../src/privacy/audit.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });

test('a new store is migrated, keyed (0600 keyring) and counts nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-'));
  try {
    const r = run(dir, 'stats', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { customers: 0, orders: 0, events: 0, gmv: 0 });
    assert.equal(statSync(join(dir, 'keyring.json')).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown commands and bad options are user errors (exit 1), never stack traces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-'));
  try {
    const r = run(dir, 'no-such-command');
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    const p = run(dir, 'serve', '--port', 'abc');
    assert.equal(p.status, 1);
    assert.match(p.stderr, /--port must be a port number/);
    assert.match(p.stderr, /端口号/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('siyu serve on a port already in use says so in both languages and exits (it used to hang)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-'));
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  try {
    const port = (busy.address() as { port: number }).port;
    const p = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => p.once('exit', (c, s) => r([c, s])));
    clearTimeout(timer);
    assert.equal(signal, null, 'it exited by itself');
    assert.equal(code, 1);
    assert.match(stderr, /Cannot listen on 127\.0\.0\.1:\d+/);
    assert.match(stderr, /无法监听/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
  } finally {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('while siyu serve holds the store, other commands go through it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir }, stdio: 'ignore' });
  try {
    let health: any;
    for (let i = 0; i < 240 && !health; i++) {
      await new Promise((r) => setTimeout(r, 250));
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json()).catch(() => undefined);
    }
    assert.deepEqual(health, { status: 'ok', customers: 0 }, 'liveness, and on the machine itself the customer count only');
    const r = run(dir, 'stats', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).orders, 0);
    const docs = await fetch(`http://127.0.0.1:${port}/docs/json`).then((r) => r.json());
    assert.ok(docs.paths['/api/v1/stats']);
    const forged = await fetch(`http://127.0.0.1:${port}/internal/cli`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-siyu-token': 'nope' }, body: JSON.stringify({ argv: ['stats'], cwd: '/' }) });
    assert.equal(forged.status, 403);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit log is hash-chained: a changed row is pinpointed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-'));
  const app = await openApp({ dir });
  try {
    for (let i = 0; i < 5; i++) await app.audit({ actor: 'tester', action: 'pii.read', target: `customer:${i}`, detail: { n: i } });
    assert.deepEqual(await verifyAudit(app), { ok: true, entries: 5, anchored: 5, problems: [] });
    await app.state.run(`update audit_log set target = 'customer:99' where seq = 3`);
    await app.state.run(`delete from audit_log where seq = 4`);
    const v = await verifyAudit(app);
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems.map((p) => `${p.seq}:${p.problem}`), ['3:altered', '5:missing_before', '5:broken_link']);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
