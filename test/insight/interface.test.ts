import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../../src/app/context.ts';
import { buildServer } from '../../src/server/app.ts';
import { smallShop } from './fixture.ts';
import { authHeaders } from '../../src/server/auth/testing.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'siyu.mjs');
const siyu = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });

test('siyu insight kpi --json prints the documented shape; a bad option is a user error in English and 中文', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-cli-'));
  try {
    const app = await openApp({ dir });
    await smallShop(app);
    app.close();
    const k = siyu(dir, 'insight', 'kpi', '--from', '2024-02-01', '--to', '2024-02-29', '--json');
    assert.equal(k.status, 0, k.stderr);
    const kpi = JSON.parse(k.stdout);
    assert.deepEqual([kpi.customers, kpi.orders, kpi.gmv, kpi.aov, kpi.repurchase_rate], [2, 4, 190, 47.5, 0.5]);
    const bad = siyu(dir, 'insight', 'cohort', '--period', 'fortnight');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /week, month, quarter/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GET /api/v1/insight/<name> answers with the same numbers and is in the OpenAPI', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-api-'));
  const app = await openApp({ dir });
  const server = await buildServer(app);
  try {
    await smallShop(app);
    const headers = await authHeaders(app, 'analyst');
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    const kpi = await fetch(`${base}/api/v1/insight/kpi?from=2024-02-01&to=2024-02-29&channel=pos`, { headers }).then((x) => x.json());
    assert.deepEqual([kpi.orders, kpi.gmv, kpi.customers], [2, 90, 1]);
    assert.equal(kpi.previous.window.from, '2024-01-03');
    const c = await fetch(`${base}/api/v1/insight/cohort?period=month`, { headers }).then((x) => x.json());
    assert.deepEqual(c.cohorts[0], { cohort: '2024-01', size: 2, customers: [2, 1, 1], retention: [1, 0.5, 0.5] });
    const rfm = await fetch(`${base}/api/v1/insight/rfm?monetary=50`, { headers }).then((x) => x.json());
    assert.equal(rfm.sizes['重要发展'], 1);
    const bad = await fetch(`${base}/api/v1/insight/kpi?from=yesterday`, { headers });
    assert.equal(bad.status, 400);
    const docs = await fetch(`${base}/docs/json`).then((x) => x.json());
    for (const name of ['kpi', 'cohort', 'rfm', 'lifecycle', 'tiers', 'funnel', 'behaviour', 'community', 'campaigns', 'channels', 'staff', 'content', 'portrait', 'customer', 'tags']) {
      assert.ok(docs.paths[`/api/v1/insight/${name}`], name);
    }
  } finally {
    await server.close();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
