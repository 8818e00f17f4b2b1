import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createApiKey } from '../src/server/auth/users.ts';

test('POST /api/v1/imports takes a multipart upload, answers 202 with a status resource, and GET /api/v1/quality reports on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-impapi-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true });
  try {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const { key } = await createApiKey(app, { name: 'ops', role: 'admin' });
    const { key: analyst } = await createApiKey(app, { name: 'ana', role: 'analyst' });
    const auth = { authorization: `Bearer ${key}` };

    const csv = '订单号,下单时间,金额,会员号\nP1,2024年3月5日,"￥1,000.00",M1\nP2,2024/3/6 10:00,50,M1\nP3,yesterday,5,M2\n';
    const form = new FormData();
    form.append('entity', 'orders');
    form.append('file', new Blob([new Uint8Array(iconv.encode(csv.replace('订单号,下单时间,金额,会员号', 'order_id,ordered_at,gross_amount,member_no'), 'gbk'))]), 'pos.csv');
    const denied = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: { authorization: `Bearer ${analyst}` }, body: form });
    assert.equal(denied.status, 403);
    const res = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: form });
    assert.equal(res.status, 202, await res.clone().text());
    const job = await res.json();
    assert.equal(res.headers.get('location'), `/api/v1/imports/${job.id}`);
    let status = job;
    for (let i = 0; i < 100 && status.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await (await fetch(`${base}/api/v1/imports/${job.id}`, { headers: auth })).json();
    }
    assert.equal(status.status, 'done', JSON.stringify(status.error));
    assert.deepEqual([status.summary.imported, status.summary.rejected, status.summary.files[0].encoding], [2, 1, 'gb18030']);

    const bad = new FormData();
    bad.append('entity', 'spaceships');
    bad.append('file', new Blob(['x']), 'x.csv');
    const r400 = await fetch(`${base}/api/v1/imports`, { method: 'POST', headers: auth, body: bad });
    assert.equal(r400.status, 400);
    assert.equal((await r400.json()).error, 'unknown_entity');

    const q = await (await fetch(`${base}/api/v1/quality`, { headers: auth })).json();
    assert.equal(q.completeness.customers.total, 1);
    assert.equal(q.invalid.rowsRejected, 1);
    assert.deepEqual(q.invalid.byReason, { 'ordered_at: not a date/time': 1 });
    assert.deepEqual(q.freshness.map((f: { source: string; rows: number }) => [f.source, f.rows]), [['(none)', 2]]);
    const docs = await (await fetch(`${base}/docs/json`)).json();
    assert.ok(docs.paths['/api/v1/imports/{id}'] && docs.paths['/api/v1/quality']);

    // A restart keeps the status resource (jobs live in the store); a job the old process left running is failed.
    await app.state.run(`insert into import_jobs (workspace_id, id, status, entity, files, started_at) values (1, '00000000-0000-4000-8000-000000000001', 'running', 'orders', '["x.csv"]', $at)`, { at: Date.now() });
    await server.close();
    app.close();
    const app2 = await openApp({ dir });
    const server2 = await buildServer(app2, { auth: true });
    try {
      await server2.listen({ port: 0, host: '127.0.0.1' });
      const base2 = `http://127.0.0.1:${(server2.server.address() as { port: number }).port}`;
      const again = await (await fetch(`${base2}/api/v1/imports/${job.id}`, { headers: auth })).json();
      assert.deepEqual([again.status, again.summary.imported, again.summary.rejected, again.rowsDone], ['done', 2, 1, 3]);
      const cut = await (await fetch(`${base2}/api/v1/imports/00000000-0000-4000-8000-000000000001`, { headers: auth })).json();
      assert.deepEqual([cut.status, cut.error.error], ['failed', 'interrupted']);
    } finally {
      await server2.close();
      app2.close();
    }
  } finally {
    await server.close().catch(() => undefined);
    try {
      app.close();
    } catch { /* closed above */ }
    rmSync(dir, { recursive: true, force: true });
  }
});
