import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/app/context.ts';
import { kpis, cohorts, rfm } from '../../src/insight/index.ts';
import { haveApparel, haveCdnow, loadElog } from './cdnowFixture.ts';
import { exportOrders, havePandas, runPeer } from './peer.ts';

const close = (a: number | null, b: number | null, tol: number, what: string) => {
  assert.ok(a !== null && b !== null && Math.abs(a - b) <= tol, `${what}: siyu ${a} vs pandas ${b}`);
};

for (const which of ['cdnow', 'apparel'] as const) {
  const have = which === 'cdnow' ? haveCdnow() : haveApparel();
  const skip = !have ? `dataset ${which} absent (../shared/datasets)` : !havePandas() ? 'python3-pandas absent (apt-get install python3-pandas)' : false;
  test(`on the real ${which} log, Siyu and the pandas peer agree on every KPI, the cohort matrix and the RFM segments`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siyu-peer-'));
    const app = await openApp({ dir });
    try {
      await loadElog(app, which);
      const csv = join(dir, 'orders.csv');
      await exportOrders(app, csv);
      const windows = which === 'cdnow' ? [{}, { from: '1997-04-01', to: '1997-12-31' }] : [{}, { from: '2009-06-01', to: '2009-11-30' }];
      const peer = runPeer(csv);
      for (const w of windows) {
        const p = w.from ? runPeer(csv, ['--from', w.from, '--to', w.to]) : peer;
        const k = await kpis(app, w, { compare: false });
        for (const key of ['customers', 'orders', 'new_customers'] as const) assert.equal(k[key], p.kpi[key], `${key} ${JSON.stringify(w)}`);
        close(k.gmv, p.kpi.gmv, 0.005, 'gmv');
        for (const key of ['aov', 'frequency', 'repurchase_rate'] as const) close(k[key], p.kpi[key], 1e-9, key);
      }
      const c = await cohorts(app, { period: 'month' });
      assert.equal(c.cohorts.length, peer.cohorts.length);
      c.cohorts.forEach((x, i) => {
        assert.equal(x.cohort, peer.cohorts[i].cohort);
        assert.equal(x.size, peer.cohorts[i].size);
        assert.equal(x.retention.length, peer.cohorts[i].retention.length);
        x.retention.forEach((s, j) => close(s, peer.cohorts[i].retention[j], 1e-12, `${x.cohort}+${j}`));
      });
      const r = await rfm(app);
      assert.equal(r.reference_date, peer.rfm.reference_date);
      assert.deepEqual(r.sizes, peer.rfm.sizes);
      assert.deepEqual(r.scores, peer.rfm.scores);
      close(r.thresholds.monetary, peer.rfm.means.monetary, 1e-6, 'mean M');
    } finally {
      app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
