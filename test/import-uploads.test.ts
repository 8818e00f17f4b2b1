import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createApiKey } from '../src/server/auth/users.ts';
import { withIdentityLock } from '../src/identity/lock.ts';
import { IMPORT_JOBS_AT_ONCE, IMPORT_JOBS_WAITING } from '../src/ingest/jobQueue.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function serve(dir: string, scratch: string, port: number): ChildProcess {
  return spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir, SIYU_SCRATCH_DIR: scratch }, stdio: 'ignore' });
}

async function healthy(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string, at = ''): string[] {
  if (!existsSync(join(dir, at))) return [];
  return readdirSync(join(dir, at), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(dir, join(at, e.name)) : e.isFile() ? [join(at, e.name)] : []));
}

test('given a server killed with SIGKILL while an upload arrives, then the upload lay in the private scratch (never the data directory) and the next start removes it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'siyu-uploads-'));
  const dir = join(root, 'store');
  const scratch = join(root, 'scratch');
  mkdirSync(scratch, { mode: 0o700 });
  let server: ChildProcess | null = null;
  let pending: ReturnType<typeof request> | null = null;
  try {
    const app = await openApp({ dir });
    const { key } = await createApiKey(app, { name: 'ops', role: 'admin' });
    await app.close();
    // A leftover of the layout before this one (<data>/uploads/<id>/<n>/<name>), as a killed server left it.
    mkdirSync(join(dir, 'uploads', '5b0e8f0e-0000-4000-8000-000000000000', '1'), { recursive: true });
    writeFileSync(join(dir, 'uploads', '5b0e8f0e-0000-4000-8000-000000000000', '1', 'old.csv'), 'member_no,phone\nM9,13800000009\n');

    const port = await freePort();
    server = serve(dir, scratch, port);
    await healthy(port);
    assert.ok(!existsSync(join(dir, 'uploads')), 'the old layout\'s leftovers are removed at start');

    // An upload that stops half way: its file part is written as it arrives.
    const boundary = 'siyuboundary7';
    const head = `--${boundary}\r\ncontent-disposition: form-data; name="entity"\r\n\r\ncustomers\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="members.csv"\r\ncontent-type: text/csv\r\n\r\nmember_no,phone,name\r\n`;
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/imports', headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    req.on('error', () => undefined);
    pending = req;
    req.write(head);
    req.write('M1,13800000001,张三\r\n'.repeat(5000));
    let arrived: string[] = [];
    for (let i = 0; i < 200 && !arrived.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
      arrived = filesUnder(scratch).filter((f) => f.endsWith('members.csv'));
    }
    assert.equal(arrived.length, 1, `the upload is in the scratch: ${filesUnder(scratch).join(', ')}`);
    assert.match(arrived[0], new RegExp(`^siyu-spill-${server.pid}-[^/]+/upload-[0-9a-f-]{36}/1/members\\.csv$`));
    assert.deepEqual(filesUnder(dir).filter((f) => /members|upload/.test(f)), [], 'nothing of the upload in the data directory');

    server.kill('SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    req.destroy();
    assert.equal(filesUnder(scratch).filter((f) => f.endsWith('members.csv')).length, 1, 'the kill left the upload behind');

    server = serve(dir, scratch, port);
    await healthy(port);
    assert.deepEqual(filesUnder(scratch).filter((f) => f.includes('upload-')), [], 'the killed server\'s upload is removed at start');
  } finally {
    pending?.destroy();
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await new Promise((r) => server!.once('exit', r));
    }
    rmSync(root, { recursive: true, force: true });
  }
});

type Job = { id: string; status: string; waiting?: boolean; summary?: { imported: number; warnings?: string[] } };

test(`given ${IMPORT_JOBS_AT_ONCE} import jobs running, then the next ${IMPORT_JOBS_WAITING} wait their turn (waiting: true), one more is refused with 429, and every accepted job finishes`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-jobqueue-'));
  const app: App = await openApp({ dir });
  const server = await buildServer(app, { auth: true });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  try {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const { key } = await createApiKey(app, { name: 'ops', role: 'admin' });
    const auth = { authorization: `Bearer ${key}` };
    // The identity lock held: a running job stops at its resolve step, so the jobs stay running until it is released.
    const lock = withIdentityLock(() => held);
    const upload = async (i: number) => {
      const form = new FormData();
      form.append('entity', 'orders');
      form.append('file', new Blob([`order_id,member_no,ordered_at,gross_amount\nQ${i},M${i},2024-01-01,5\n`]), `q${i}.csv`);
      return fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
    };
    const accepted: Job[] = [];
    for (let i = 0; i < IMPORT_JOBS_AT_ONCE + IMPORT_JOBS_WAITING; i++) {
      const res = await upload(i);
      assert.equal(res.status, 202);
      accepted.push(await res.json() as Job);
    }
    assert.deepEqual(accepted.map((j) => Boolean(j.waiting)), accepted.map((_, i) => i >= IMPORT_JOBS_AT_ONCE));
    const status = await (await fetch(`${base}/api/v1/imports/${accepted[IMPORT_JOBS_AT_ONCE].id}`, { headers: auth })).json() as Job;
    assert.deepEqual([status.status, status.waiting], ['running', true]);

    const refused = await upload(99);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '30');
    const body = await refused.json();
    assert.equal(body.error, 'imports_busy');
    assert.match(body.message, /2 imports are running and 8 more are waiting/);

    release();
    await lock;
    for (const j of accepted) {
      let s: Job = j;
      for (let i = 0; i < 300 && s.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        s = await (await fetch(`${base}/api/v1/imports/${j.id}`, { headers: auth })).json() as Job;
      }
      assert.deepEqual([s.status, s.waiting, s.summary?.imported, s.summary?.warnings], ['done', undefined, 1, undefined], JSON.stringify(s));
    }
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), IMPORT_JOBS_AT_ONCE + IMPORT_JOBS_WAITING);
    // A place is free again.
    const last = await upload(100);
    assert.equal(last.status, 202);
    const id = ((await last.json()) as Job).id;
    for (let i = 0; i < 300 && (await (await fetch(`${base}/api/v1/imports/${id}`, { headers: auth })).json() as Job).status === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    release();
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
