import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createApiKey } from '../src/server/auth/users.ts';
import { runProgram } from '../src/cli/program.ts';
import { bufferOutput } from '../src/cli/output.ts';
import { qualityReport } from '../src/ingest/quality/index.ts';
import { importFiles } from '../src/ingest/index.ts';
import { INTERRUPTED } from '../src/ingest/runs.ts';

const root = join(import.meta.dirname, '..');
const CUSTOMERS = 'member_no,phone,email,name\nM1,13800000001,a@x.com,张一\nM2,138****0002,,李二\nM3,12345,,\nM4,13800000001,,\n';
const BAD_ORDERS = 'order_id,member_no,ordered_at,gross_amount\nO1,M1,2024-03-01 10:00,100\nO2,M2,2024-03-02 10:00,abc\n';

type Job = { id: string; status: string; files: string[]; summary?: Record<string, unknown> & { files: Record<string, unknown>[] }; error?: Record<string, string> };

async function withServer(fn: (s: { base: string; app: App; dir: string; key: (role: string) => Promise<string> }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-impaudit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  const server = await buildServer(app, { auth: true });
  try {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    await fn({ base, app, dir, key: async (role) => (await createApiKey(app, { name: role, role: role as 'admin' })).key });
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function form(fields: Record<string, string>, files: [string, string][]): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [name, text] of files) f.append('file', new Blob([text]), name);
  return f;
}

async function finished(base: string, key: string, id: string): Promise<Job> {
  for (let i = 0; i < 200; i++) {
    const job = await (await fetch(`${base}/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${key}` } })).json() as Job;
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import still running');
}

/** A summary without what differs from run to run (times, where the file and its quarantine lie). */
function comparable(s: Record<string, unknown> & { files: Record<string, unknown>[] }) {
  const { seconds: _s, files, ...rest } = s;
  return { ...rest, files: files.map(({ seconds: _t, timings: _m, file: _f, quarantine, ...f }) => ({ ...f, quarantined: Boolean(quarantine) })) };
}

test('an HTTP import answers with the same summary as `siyu import --json`, names files as uploaded, and never shows a server path', async () => {
  await withServer(async ({ base, app, dir, key }) => {
    const admin = await key('admin');
    const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form({ entity: 'customers', source: 'crm' }, [['会员 导出.csv', CUSTOMERS]]) });
    assert.equal(res.status, 202);
    const job = await finished(base, admin, ((await res.json()) as Job).id);
    assert.equal(job.status, 'done', JSON.stringify(job.error));
    assert.deepEqual(job.files, ['会员_导出.csv']);
    assert.equal(job.summary!.files[0].file, '会员_导出.csv');

    writeFileSync(join(dir, 'customers.csv'), CUSTOMERS);
    const cli = spawnSync(process.execPath, [join(root, 'bin', 'siyu.mjs'), 'import', 'customers', join(dir, 'customers.csv'), '--source', 'crm', '--json'], { env: { ...process.env, SIYU_DATA_DIR: join(dir, 'cli') }, encoding: 'utf8', cwd: root });
    assert.equal(cli.status, 0, cli.stderr);
    const expected = JSON.parse(cli.stdout);
    assert.deepEqual(comparable(job.summary!), comparable(expected));
    assert.deepEqual([expected.rows, expected.imported, expected.identity.customersCreated, expected.identity.invalidIdentifiers, expected.identity.maskedIdentifiers], [4, 4, 3, { phone: 1 }, 1]);

    // A rejected row: the quarantine is named relative to the data directory.
    const bad = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form({ entity: 'orders' }, [['orders.csv', BAD_ORDERS]]) });
    const badJob = await finished(base, admin, ((await bad.json()) as Job).id);
    assert.deepEqual([badJob.status, badJob.summary!.imported, badJob.summary!.rejected], ['done', 1, 1]);
    assert.match(String(badJob.summary!.files[0].quarantine), /^quarantine\/orders\.csv-[^/]+\.csv$/);
    assert.ok(!JSON.stringify([job, badJob]).includes(dir), 'no server path in the status resource');

    // GET /api/v1/quality is the report `siyu quality --json` prints.
    const api = await (await fetch(`${base}/api/v1/quality`, { headers: { authorization: `Bearer ${admin}` } })).json();
    const local = JSON.parse(JSON.stringify(await qualityReport(app)));
    const clockless = (q: { generatedAt?: string; freshness: { hoursSinceLoad?: number }[] }) => ({ ...q, generatedAt: null, freshness: q.freshness.map((f) => ({ ...f, hoursSinceLoad: null })) });
    assert.deepEqual(clockless(api), clockless(local));
    assert.deepEqual(api.duplicates.recordsFolded, { member_no: 1 });
    assert.deepEqual(api.freshness.map((f: { source: string; entities: string[] }) => [f.source, f.entities]), [['(none)', ['orders']], ['crm', ['customers']]]);
  });
});

test('a bad field is a 400 before anything is queued: an unknown preset, an unknown encoding', async () => {
  await withServer(async ({ base, app, key }) => {
    const admin = await key('admin');
    const post = (fields: Record<string, string>) => fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form(fields, [['o.csv', BAD_ORDERS]]) });
    const preset = await post({ entity: 'orders', map: 'nope' });
    assert.equal(preset.status, 400);
    assert.equal((await preset.json()).error, 'bad_map');
    const enc = await post({ entity: 'orders', encoding: 'klingon' });
    assert.equal(enc.status, 400);
    assert.equal((await enc.json()).error, 'bad_encoding');
    assert.equal(await app.state.scalar(`select count(*) from import_jobs`), 0);
  });
});

test('when the second of three uploaded files fails, the job is failed and names that file; the first and third are imported and summarised', async () => {
  await withServer(async ({ base, app, dir, key }) => {
    const admin = await key('admin');
    const res = await fetch(`${base}/api/v1/imports`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}` },
      body: form({ entity: 'orders' }, [['good.csv', 'order_id,member_no,ordered_at,gross_amount\nG1,M1,2024-01-01,5\n'], ['empty.csv', ''], ['more.csv', 'order_id,member_no,ordered_at,gross_amount\nG2,M2,2024-01-02,6\n']]),
    });
    const job = await finished(base, admin, ((await res.json()) as Job).id);
    assert.equal(job.status, 'failed');
    const failure = { error: 'file_empty', message: 'empty.csv is empty.', message_zh: 'empty.csv 是空文件。', file: 'empty.csv' };
    assert.deepEqual({ ...job.error }, failure);
    assert.deepEqual([job.summary!.imported, job.summary!.files.map((f) => f.file), job.summary!.failed], [2, ['good.csv', 'more.csv'], [failure]]);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 2);
    assert.ok(!JSON.stringify(job).includes(dir));
    assert.ok(!existsSync(join(dir, 'store', 'uploads')), 'uploads never go to the data directory');
  });
});

test('permissions: an analyst may read an import\'s status but not upload (403); a marketer may do neither', async () => {
  await withServer(async ({ base, key }) => {
    const [admin, analyst, marketer] = [await key('admin'), await key('analyst'), await key('marketer')];
    const upload = (k: string) => fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${k}` }, body: form({ entity: 'customers' }, [['c.csv', CUSTOMERS]]) });
    assert.equal((await upload(analyst)).status, 403);
    assert.equal((await upload(marketer)).status, 403);
    const job = await finished(base, admin, ((await (await upload(admin)).json()) as Job).id);
    assert.equal((await fetch(`${base}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${analyst}` } })).status, 200);
    assert.equal((await fetch(`${base}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${marketer}` } })).status, 403);
    assert.equal((await fetch(`${base}/api/v1/quality`, { headers: { authorization: `Bearer ${marketer}` } })).status, 403);
    assert.equal((await fetch(`${base}/api/v1/quality`, { headers: { authorization: `Bearer ${analyst}` } })).status, 200);
  });
});

test('`siyu import --strict` exits 1 when a row is rejected, also when the command runs inside `siyu serve`', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-strict-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    writeFileSync(join(dir, 'o.csv'), BAD_ORDERS);
    const output = bufferOutput();
    const code = await runProgram(['import', 'orders', join(dir, 'o.csv'), '--strict', '--json'], { output, cwd: dir, forwarded: true, withApp: (fn) => fn(app) });
    assert.equal(code, 1, output.stderr.join(''));
    assert.equal(process.exitCode ?? 0, 0, 'the server process keeps its exit code');
    assert.deepEqual((({ imported, unchanged, rejected }) => ({ imported, unchanged, rejected }))(JSON.parse(output.stdout.join(''))), { imported: 0, unchanged: 0, rejected: 1 });
    assert.match(output.stderr.join(''), /--strict: 1 row\(s\) rejected, so 1 file\(s\) were not imported/);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 0);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server starting on a store a killed import left behind reports that file\'s run failed, not running forever', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-interrupted-'));
  let app = await openApp({ dir });
  try {
    await app.state.run(`insert into import_runs (workspace_id, id, entity, source, status, started_at) values (1, 'r1', 'orders', 'pos', 'running', $at)`, { at: Date.now() });
    app.close();
    app = await openApp({ dir });
    const server = await buildServer(app, { auth: true });
    await server.ready();
    await server.close();
    assert.deepEqual(await app.state.all(`select status, error from import_runs`), [{ status: 'failed', error: INTERRUPTED }]);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every id GET /api/v1/imports lists can be looked up: a file imported by the CLI has a status resource too', async () => {
  await withServer(async ({ base, app, dir, key }) => {
    const analyst = await key('analyst');
    writeFileSync(join(dir, 'pos.csv'), BAD_ORDERS);
    await importFiles(app, { entity: 'orders', files: [join(dir, 'pos.csv')], source: 'pos' });
    const list = await (await fetch(`${base}/api/v1/imports`, { headers: { authorization: `Bearer ${analyst}` } })).json() as { id: string }[];
    assert.equal(list.length, 1);
    const run = await (await fetch(`${base}/api/v1/imports/${list[0].id}`, { headers: { authorization: `Bearer ${analyst}` } })).json() as Job;
    assert.deepEqual([run.status, run.files, (run as unknown as { rowsDone: number }).rowsDone], ['done', ['pos.csv'], 2]);
    assert.deepEqual([run.summary!.rows, run.summary!.imported, run.summary!.unchanged, run.summary!.rejected, run.summary!.files[0].file], [2, 1, 0, 1, 'pos.csv']);
    assert.deepEqual(run.summary!.files[0].reasons, { 'gross_amount: not an amount': 1 });
  });
});

// The status resource of a one-file upload said `running, rowsDone 0` until it was done (26 s for 600,000 rows):
// progress now moves with each step of the file.
test('a one-file import reports progress before the file is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-progress-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    writeFileSync(join(dir, 'o.csv'), BAD_ORDERS);
    const seen: string[] = [];
    await importFiles(app, { entity: 'orders', files: [join(dir, 'o.csv')], onProgress: (n, at) => seen.push(at ? `${n}/${at.rowsKnown} ${at.step}` : `${n}`) });
    // Two rows: after each step its share of them (floored), then all of them.
    assert.deepEqual(seen, ['0/2 read', '0/2 map', '1/2 identify', '1/2 resolve', '1/2 write', '2']);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('uploading the same file twice does not double its rejections in the quality report', async () => {
  await withServer(async ({ base, key }) => {
    const admin = await key('admin');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form({ entity: 'orders' }, [['orders.csv', BAD_ORDERS]]) });
      assert.equal((await finished(base, admin, ((await res.json()) as Job).id)).status, 'done');
    }
    const q = await (await fetch(`${base}/api/v1/quality`, { headers: { authorization: `Bearer ${admin}` } })).json();
    assert.deepEqual(q.invalid, { importRuns: 1, rowsRead: 2, rowsRejected: 1, byReason: { 'gross_amount: not an amount': 1 }, invalidIdentifiers: {}, maskedIdentifiers: 0 });
  });
});

test('`siyu import` of several files where one fails imports the others, names the failed one, and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-partial-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    writeFileSync(join(dir, 'good.csv'), 'order_id,member_no,ordered_at,gross_amount\nG1,M1,2024-01-01,5\n');
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'more.csv'), 'order_id,member_no,ordered_at,gross_amount\nG2,M2,2024-01-02,6\n');
    const output = bufferOutput();
    const code = await runProgram(['import', 'orders', 'good.csv', 'empty.csv', 'more.csv', '--json'], { output, cwd: dir, forwarded: false, withApp: (fn) => fn(app) });
    assert.equal(code, 1);
    const s = JSON.parse(output.stdout.join(''));
    assert.deepEqual([s.imported, s.files.length, s.failed.map((f: { file: string; error: string }) => [f.file, f.error])], [2, 2, [[join(dir, 'empty.csv'), 'file_empty']]]);
    assert.match(output.stderr.join(''), /1 of 3 files were not imported: empty\.csv \(file_empty\)/);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 2);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
