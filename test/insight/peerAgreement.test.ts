import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../../src/app/context.ts';
import { kpis, cohorts, rfm } from '../../src/insight/index.ts';
import { haveApparel, haveCdnow, loadElog } from './cdnowFixture.ts';
import { generateDemo } from '../../src/demo/generate.ts';
import { loadDemo } from '../../src/demo/load.ts';
import type { App } from '../../src/app/context.ts';
import { exportOrders, havePandas, runPeer } from './peer.ts';

const close = (a: number | null, b: number | null, tol: number, what: string) => {
  assert.ok(a !== null && b !== null && Math.abs(a - b) <= tol, `${what}: siyu ${a} vs pandas ${b}`);
};

/** The three order logs: the real CDNOW and apparel logs (../shared/datasets) and the demo brand through the importer. */
const SOURCES = [
  { which: 'cdnow', have: haveCdnow, load: (app: App) => loadElog(app, 'cdnow'), window: { from: '1997-04-01', to: '1997-12-31' } },
  { which: 'apparel', have: haveApparel, load: (app: App) => loadElog(app, 'apparel'), window: { from: '2009-06-01', to: '2009-11-30' } },
  { which: 'demo brand', have: () => true, load: loadDemoBrand, window: { from: '2025-06-01', to: '2026-05-31' } },
] as const;

async function loadDemoBrand(app: App): Promise<void> {
  const files = join(app.dir, 'demo-files');
  await generateDemo({ customers: 2000, seed: 5, out: files });
  await loadDemo(app, files);
}

for (const { which, have, load, window } of SOURCES) {
  const skip = !have() ? `dataset ${which} absent (../shared/datasets)` : !havePandas() ? 'python3-pandas absent (apt-get install python3-pandas)' : false;
  test(`on the ${which} log, Siyu and the pandas peer agree on every KPI, the cohort matrix and the RFM segments`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'siyu-peer-'));
    const app = await openApp({ dir });
    try {
      await load(app);
      const csv = join(dir, 'orders.csv');
      await exportOrders(app, csv);
      const windows: { from?: string; to?: string }[] = [{}, window];
      const peer = runPeer(csv);
      for (const w of windows) {
        const p = w.from && w.to ? runPeer(csv, ['--from', w.from, '--to', w.to]) : peer;
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
