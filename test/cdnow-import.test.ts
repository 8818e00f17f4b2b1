import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { workspaceStats } from '../src/insight/queries/workspaceStats.ts';
import { qualityReport } from '../src/ingest/quality/index.ts';

const root = join(import.meta.dirname, '..');
const master = join(root, '..', 'shared', 'datasets', 'cdnow', 'CDNOW_master.txt');

test('the CDNOW master log imports with docs/examples/cdnow-orders.json to its published totals, and again to no change', { skip: existsSync(master) ? false : `dataset absent: ${master}` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-cdnow-'));
  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'siyu.mjs'), ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8', cwd: root });
  try {
    const r = run('import', 'orders', master, '--map', 'docs/examples/cdnow-orders.json', '--json');
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual([s.imported, s.rejected, s.identity.customersCreated], [69659, 0, 23570]);
    const again = JSON.parse(run('import', 'orders', master, '--map', 'docs/examples/cdnow-orders.json', '--json').stdout);
    assert.deepEqual([again.imported, again.unchanged, again.identity.customersCreated], [0, 69659, 0]);
    const app = await openApp({ dir });
    try {
      assert.deepEqual(await workspaceStats(app.warehouse, app.workspaceId), { customers: 23570, orders: 69659, events: 0, gmv: 2500315.63 });
      assert.deepEqual(await app.warehouse.get(`select sum(item_count)::integer as cds, min(order_date)::varchar as first, max(order_date)::varchar as last, count(distinct customer_id)::integer as buyers from orders`),
        { cds: 167881, first: '1997-01-01', last: '1998-06-30', buyers: 23570 });
      const q = await qualityReport(app);
      assert.equal(q.orphans.ordersWithoutCustomer, 0);
      assert.equal(q.completeness.customers.member_no, 1);
    } finally {
      app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
