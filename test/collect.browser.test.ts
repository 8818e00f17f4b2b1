import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { startHarness, storedCounts, type Harness } from './collect.helpers.ts';
import { chromiumPath, launchChromium } from '../src/report/render/browser.ts';

/**
 * The 神策 web SDK (sa-sdk-javascript) in Chromium, in each of its send modes — image (GET /sa.gif), beacon
 * (sendBeacon, text/plain POST) and ajax (XHR with X-Requested-With, preflighted) — delivers every event once.
 * Skipped with a message when Chromium is not installed. Then a volume run through its batch-send mode (records
 * queued in localStorage, sent as one data_list POST per interval), as a busy site would configure it: 5,000
 * events in `npm test`, SIYU_COLLECT_BROWSER_BIG=100000 for the 100,000. The SDK itself spends ≈ 2 ms of the
 * page's CPU per track (its storage get/set on every call), so 100,000 take minutes whatever the server does.
 */
const N = Number(process.env.SIYU_COLLECT_BROWSER_N ?? 100);
const BIG = Number(process.env.SIYU_COLLECT_BROWSER_BIG ?? 5_000);
const sdk = join(import.meta.dirname, '..', 'node_modules', 'sa-sdk-javascript', 'sensorsdata.min.js');
let h: Harness;
let key = '';
let site: Server;
let shop = '';
before(async () => {
  h = await startHarness();
  // The brand's site: another origin (port) than the collector, so CORS applies as in production.
  site = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title>'));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  shop = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
  key = (await h.source('h5')).write_key;
});
after(async () => {
  site.close();
  await h.close();
});

test(`sa-sdk-javascript in Chromium sends ${N} events per send mode (image, beacon, ajax), each stored once`, { skip: chromiumPath() ? false : 'Chromium not installed (apt-get install -y chromium): browser SDK test skipped' }, async () => {
  const browser = await launchChromium();
  try {
    for (const mode of ['image', 'beacon', 'ajax'] as const) {
      const page = await browser.newPage();
            await page.goto(shop);
      await page.addScriptTag({ path: sdk });
      // Paced like a page in use: sendBeacon has a per-page in-flight quota (~64 KB) beyond which the browser
      // refuses the beacon and the SDK drops the event.
      await page.evaluate(async ({ url, mode, n }) => {
        const sensors = (window as unknown as { sensorsDataAnalytic201505: { init(o: unknown): void; track(e: string, p: unknown): void; login(id: string): void } }).sensorsDataAnalytic201505;
        sensors.init({ server_url: url, send_type: mode, show_log: false, is_track_single_page: false, heatmap: {}, batch_send: false, use_client_time: true });
        for (let i = 0; i < n; i++) {
          sensors.track('ViewProduct', { seq: i, mode });
          if (i % 5 === 4) await new Promise((r) => setTimeout(r, 50));
        }
      }, { url: `${h.url}/sa?project=h5&token=${key}`, mode, n: N });
      const want = N;
      const t0 = Date.now();
      while (Date.now() - t0 < 30_000) {
        await h.drained();
        const n = await h.app.db.scalar(`select count(*) from events where source = 'h5' and (properties->>'mode') = $m`, { m: mode });
        if (n >= want) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 500));
      await h.drained();
      const seqs = await h.app.db.get<{ n: number; d: number }>(`select count(*) as n, count(distinct properties->>'seq') as d from events where source = 'h5' and (properties->>'mode') = $m and type = 'ViewProduct'`, { m: mode });
      assert.deepEqual({ mode, n: Number(seqs!.n), d: Number(seqs!.d) }, { mode, n: N, d: N });
      await page.close();
    }
    const all = await storedCounts(h.app, 'h5');
    assert.equal(all.rows, all.distinct);
  } finally {
    await browser.close();
  }
});

test(`sa-sdk-javascript in Chromium, batch-send mode, delivers ${BIG} events, each stored once`, { skip: chromiumPath() ? false : 'Chromium not installed (apt-get install -y chromium): browser SDK test skipped' }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(shop);
    await page.addScriptTag({ path: sdk });
    const t0 = Date.now();
    await page.evaluate(async ({ url, n }) => {
      const sensors = (window as unknown as { sensorsDataAnalytic201505: { init(o: unknown): void; track(e: string, p: unknown): void } }).sensorsDataAnalytic201505;
      // Up to 500 records wait in localStorage (well inside the browser's quota); one POST every 50 ms takes them.
      const limit = 500;
      sensors.init({ server_url: url, show_log: false, is_track_single_page: false, heatmap: {}, use_client_time: true, batch_send: { send_interval: 50, datasend_timeout: 30_000, storage_length: limit } });
      for (let i = 0; i < n; i++) {
        sensors.track('ViewProduct', { seq: i, mode: 'batch' });
        // Past the limit the SDK would fall back to one request per event: let the queue drain first.
        if (i % 200 === 199) while (localStorage.length > limit - 250) await new Promise((r) => setTimeout(r, 5));
      }
      while (localStorage.length > 10) await new Promise((r) => setTimeout(r, 20));
    }, { url: `${h.url}/sa?project=h5&token=${key}`, n: BIG });
    const sentMs = Date.now() - t0;
    let got = { n: 0, d: 0 };
    const t1 = Date.now();
    while (Date.now() - t1 < 60_000) {
      await h.drained();
      const r = await h.app.db.get<{ n: number; d: number }>(`select count(*) as n, count(distinct properties->>'seq') as d from events where source = 'h5' and (properties->>'mode') = 'batch' and type = 'ViewProduct'`);
      got = { n: Number(r!.n), d: Number(r!.d) };
      if (got.n >= BIG) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(got, { n: BIG, d: BIG }, `sent in ${sentMs} ms`);
    await page.close();
  } finally {
    await browser.close();
  }
});

