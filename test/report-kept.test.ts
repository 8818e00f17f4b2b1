// `/` and `/report` served from the kept copy (issue #18 item 8: they rebuilt the report on every visit, 8–10 s):
// the first visit builds and keeps it, the next ones are served from the history without a rebuild; after an import
// the kept copy is served once more while exactly one rebuild runs in the background, then the new one is served.
// The history lives in the state store (issue #16): instants epoch ms, files as JSON text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { createApiKey } from '../src/server/auth/users.ts';
import { listReportHistory } from '../src/report/history.ts';
import { openWarehouse } from '../src/store/open.ts';
import { paths } from '../src/config.ts';
import { seedReportFixture } from './report.fixture.ts';

let dir: string;
let app: App;
let server: FastifyInstance;
let base: string;
let headers: { authorization: string };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-kept-'));
  app = await openApp({ dir });
  await seedReportFixture(app);
  await app.warehouse.checkpoint();
  server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  headers = await authHeaders(app, 'analyst');
});
after(async () => {
  await server?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function visit(path = '/report?lang=zh&format=md'): Promise<{ state: string | null; body: string; ms: number }> {
  const t = performance.now();
  const r = await fetch(`${base}${path}`, { headers });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return { state: r.headers.get('x-siyu-report'), body, ms: performance.now() - t };
}
const builds = () => app.state.scalar(`select count(*) from audit_log where action = 'report.monthly'`);

test('the first visit builds and keeps the report; the second is served from the kept copy, fast and not rebuilt', async (t) => {
  const first = await visit();
  assert.equal(first.state, 'built');
  assert.match(first.body, /2026-10-01 — 2026-10-31/);
  assert.equal(await builds(), 1);
  const second = await visit();
  assert.equal(second.state, 'fresh');
  assert.equal(second.body, first.body, 'the same kept report');
  assert.equal(await builds(), 1, 'not rebuilt');
  t.diagnostic(`build ${first.ms.toFixed(0)} ms, kept copy ${second.ms.toFixed(0)} ms`);
  assert.ok(second.ms < 1000, `the kept copy took ${second.ms.toFixed(0)} ms (the build took ${first.ms.toFixed(0)} ms)`);
  const home = await visit('/');
  assert.equal(home.state, 'fresh');
  assert.match(home.body, /零售私域流量运营数据洞察与营销优化报告/);
  assert.equal(await builds(), 1, 'the home page and both languages come from the same kept copy');
  // kept in the state store: epoch ms, files as JSON text
  const row = await app.state.get<{ generated_at: number; files: string; period_from: string; period_to: string }>(
    `select generated_at, files, period_from, period_to from report_history where workspace_id = 1 and month = '2026-10'`);
  assert.ok(row);
  assert.equal(typeof Number(row.generated_at), 'number');
  assert.ok(Math.abs(Number(row.generated_at) - Date.now()) < 10 * 60_000, `generated_at ${row.generated_at} is not epoch ms of now`);
  assert.deepEqual(JSON.parse(row.files), ['report-zh.html', 'report-zh.md', 'report-en.html', 'report-en.md']);
  assert.deepEqual([row.period_from, row.period_to], ['2026-10-01', '2026-10-31']);
});

test('after an import the kept copy is served while one rebuild runs in the background; then the new report is served', async () => {
  const before = await visit();
  const { key } = await createApiKey(app, { name: 'ops', role: 'admin' });
  const form = new FormData();
  form.append('entity', 'orders');
  form.append('file', new Blob(['order_id,ordered_at,gross_amount,member_no\nNEW1,2026-10-20 10:00,88888,M-new\n']), 'late-orders.csv');
  const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  assert.equal(res.status, 202, await res.clone().text());
  const job = (await res.json()) as { id: string; status: string };
  let status = job;
  for (let i = 0; i < 300 && status.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    status = (await (await fetch(`${base}/api/v1/imports/${job.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as typeof job;
  }
  assert.equal(status.status, 'done', JSON.stringify(status));
  const generated = (await listReportHistory(app)).find((r) => r.month === '2026-10')!.generated_at;

  const stale = await visit();
  assert.equal(stale.state, 'stale');
  assert.equal(stale.body, before.body, 'the kept copy, at once');
  const during = await Promise.all([visit(), visit('/report?lang=en&format=md'), visit('/')]);
  assert.ok(during.every((v) => v.state === 'stale' || v.state === 'fresh'), during.map((v) => v.state).join(','));
  for (let i = 0; i < 600 && (await listReportHistory(app)).find((r) => r.month === '2026-10')!.generated_at === generated; i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const after = await visit();
  assert.equal(after.state, 'fresh');
  assert.notEqual(after.body, before.body, 'the rebuilt report');
  assert.equal(await builds(), 2, 'rebuilt exactly once');
  const again = await visit();
  assert.equal(again.state, 'fresh');
  assert.equal(await builds(), 2);
});

test('a store made before the state store: its warehouse report_history rows are moved at open, once', async () => {
  const d = mkdtempSync(join(tmpdir(), 'siyu-report-adopt-'));
  try {
    // the warehouse alone, as a store of the earlier layout had it
    const { warehouse } = await openWarehouse(paths.database(d));
    await warehouse.run(`insert into report_history (workspace_id, month, period_from, period_to, generated_at, files, findings, recommendations)
      values (1, '2025-12', date '2025-12-01', date '2025-12-31', timestamp '2026-01-01 02:00:00', '["report-zh.html","report-en.md"]', 7, 3)`);
    await warehouse.checkpoint();
    warehouse.close();
    for (let open = 0; open < 2; open++) {
      const a = await openApp({ dir: d });
      try {
        assert.deepEqual(await listReportHistory(a), [{ month: '2025-12', period_from: '2025-12-01', period_to: '2025-12-31', generated_at: '2026-01-01T02:00:00.000Z', files: ['report-zh.html', 'report-en.md'], findings: 7, recommendations: 3 }]);
        assert.equal(await a.state.scalar(`select count(*) from report_history`), 1, 'moved once');
      } finally {
        await a.close();
      }
    }
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
