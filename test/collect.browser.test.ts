import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { startHarness, storedCounts, type Harness } from './collect.helpers.ts';
import { chromiumPath, launchChromium } from '../src/report/render/browser.ts';

/**
 * The 神策 web SDK (sa-sdk-javascript, unmodified) in Chromium, in each of its send modes — image (GET /sa.gif),
 * beacon (sendBeacon, text/plain POST) and ajax (XHR with X-Requested-With, preflighted) — delivers every event once.
 * Skipped with a message when Chromium is not installed.
 *
 * Then the issue's volume: 100,000 events (SIYU_COLLECT_BROWSER_BIG overrides) through the SDK's batch-send mode
 * (records queued in localStorage, one data_list POST per send_interval), each read back once. Profiled in the page
 * (CDP Profiler, performance.now() around track, renderer/browser CPU from /proc), the SDK's cost per track is:
 * - ≈ 2.8 ms for a first-day visitor: while its first-day cookie lives (until midnight) every track decides
 *   $is_first_day by writing, reading and deleting a test cookie through document.cookie, each a synchronous round
 *   trip to the browser process (≈ 1.8 ms/event more there). A returning visitor on a later day pays nothing for
 *   it, so each page first visits once (the SDK sets its cookies), the first-day cookie is expired, and the
 *   visitor comes back: then ≈ 0.3–0.5 ms per track.
 * - the rest is localStorage: per track a storage-support probe (set/get/remove), the tab's key list re-serialised
 *   and rewritten (grows with storage_length) and the record itself; per send every record read, base64'd, and
 *   removed one by one. Per-event modes cost far more in all (image ≈ 2.9 ms renderer + 4.7 ms browser/network +
 *   3.9 ms server per event; ajax and beacon similar or worse, and beacon drops events past its in-flight quota).
 * - the preset properties a high-volume site switches off (latest referrer/UTM/search keyword, url, title) cut the
 *   record from ≈ 1.3 to ≈ 1.0 KB on the wire and ≈ 20 % of the page's CPU.
 * send_interval is longer than a loaded server's answer (the SDK resends whatever is still queued when the interval
 * passes, so a short interval turns into duplicates the server must discard), storage_length large enough that
 * one POST carries ≈ 200 records, and two visitors in their own browser contexts (own cookies, localStorage and
 * renderer process) use both cores (a third adds nothing: the run is CPU-bound). All told ≈ 0.8 ms renderer +
 * 0.4 ms browser/network + 0.3–0.5 ms server CPU per event: 100,000 sent in ≈ 80 s, the whole file ≈ 100 s, at
 * load average 4–6 on 2 cores.
 */
const N = Number(process.env.SIYU_COLLECT_BROWSER_N ?? 100);
const BIG = Number(process.env.SIYU_COLLECT_BROWSER_BIG ?? 100_000);
const PAGES = 2;
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
        const n = await h.app.warehouse.scalar(`select count(*) from events where source = 'h5' and (properties->>'mode') = $m`, { m: mode });
        if (n >= want) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 500));
      await h.drained();
      const seqs = await h.app.warehouse.get<{ n: number; d: number }>(`select count(*) as n, count(distinct properties->>'seq') as d from events where source = 'h5' and (properties->>'mode') = $m and type = 'ViewProduct'`, { m: mode });
      assert.deepEqual({ mode, n: Number(seqs!.n), d: Number(seqs!.d) }, { mode, n: N, d: N });
      await page.close();
    }
    const all = await storedCounts(h.app, 'h5');
    assert.equal(all.rows, all.distinct);
  } finally {
    await browser.close();
  }
});

test(`sa-sdk-javascript in Chromium, batch-send mode, ${PAGES} returning visitors deliver ${BIG} events, each stored once`, { skip: chromiumPath() ? false : 'Chromium not installed (apt-get install -y chromium): browser SDK test skipped' }, async (t) => {
  const browser = await launchChromium();
  let requests = 0;
  const count = (): void => { requests++; };
  h.server.server.on('request', count);
  try {
    const url = `${h.url}/sa?project=h5&token=${key}`;
    // Each visitor in its own browser context: its own cookies, localStorage (the SDK's queue) and renderer process.
    const pages = await Promise.all(Array.from({ length: PAGES }, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(shop);
      await page.addScriptTag({ path: sdk });
      // First visit: the SDK sets its identity cookie and a first-day cookie that expires at midnight.
      await page.evaluate((server_url) => {
        (window as unknown as { sensorsDataAnalytic201505: { init(o: unknown): void } }).sensorsDataAnalytic201505.init({ server_url, show_log: false, heatmap: {}, is_track_single_page: false, batch_send: false });
      }, url);
      // A later day: the first-day cookie has expired; the visitor comes back with the SDK's identity cookie only.
      await context.clearCookies({ name: 'sajssdk_2015_cross_new_user' });
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.addScriptTag({ path: sdk });
      return page;
    }));
    const t0 = Date.now();
    const sent = await Promise.all(pages.map((page, k) => page.evaluate(async ({ url, n, k, pages, limit, interval, chunk }) => {
      const sensors = (window as unknown as { sensorsDataAnalytic201505: { init(o: unknown): void; track(e: string, p: unknown): void } }).sensorsDataAnalytic201505;
      sensors.init({
        server_url: url, show_log: false, is_track_single_page: false, heatmap: {}, use_client_time: true,
        // Properties a high-volume site switches off: the latest-referrer/UTM/search-keyword/landing set, url, title.
        preset_properties: { latest_utm: false, latest_traffic_source_type: false, latest_search_keyword: false, latest_referrer: false, url: false, title: false },
        batch_send: { send_interval: interval, datasend_timeout: 30_000, storage_length: limit },
      });
      let inTrack = 0;
      let tracked = 0;
      for (let from = k; from < n; from += chunk * pages) {
        for (let seq = from; seq < Math.min(n, from + chunk * pages); seq += pages, tracked++) {
          const a = performance.now();
          sensors.track('ViewProduct', { seq, mode: 'batch' });
          inTrack += performance.now() - a;
        }
        // Let the SDK's own timer POST the queue and remove what the server acknowledged. At storage_length queued
        // records it would fall back to one request per event: the next chunk must fit below it.
        const below = from + chunk * pages < n ? limit - chunk - 10 : 10;
        let last = localStorage.length;
        let since = performance.now();
        while (localStorage.length > below) {
          await new Promise((r) => setTimeout(r, 5));
          if (localStorage.length !== last) [last, since] = [localStorage.length, performance.now()];
          else if (performance.now() - since > 30_000) throw new Error(`the SDK's queue stalled at ${last} records`);
        }
      }
      return { tracked, inTrack };
    }, { url, n: BIG, k, pages: PAGES, limit: 300, interval: 150, chunk: 100 })));
    const sentMs = Date.now() - t0;
    let got = { n: 0, d: 0 };
    const t1 = Date.now();
    while (Date.now() - t1 < 60_000) {
      await h.drained();
      const r = await h.app.warehouse.get<{ n: number; d: number }>(`select count(*) as n, count(distinct properties->>'seq') as d from events where source = 'h5' and (properties->>'mode') = 'batch' and type = 'ViewProduct'`);
      got = { n: Number(r!.n), d: Number(r!.d) };
      if (got.n >= BIG) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const perTrack = (sent.reduce((a, s) => a + s.inTrack, 0) / BIG).toFixed(2);
    const note = `sent in ${sentMs} ms over ${requests} requests; ${perTrack} ms in track() per event`;
    assert.deepEqual(got, { n: BIG, d: BIG }, note);
    assert.equal(sent.reduce((a, s) => a + s.tracked, 0), BIG);
    // Batched: far fewer requests than events (a fallback to one request per event would show here).
    assert.ok(requests <= Math.max(10, BIG / 20), note);
    t.diagnostic(`${BIG} events, ${note}`);
  } finally {
    h.server.server.off('request', count);
    await browser.close();
  }
});
