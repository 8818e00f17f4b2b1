import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { Analytics } from '@segment/analytics-node';
import type { Benchmark, BenchRow } from './list.ts';
import { openApp } from '../src/app/context.ts';
import { createSource } from '../src/collect/sources.ts';

/**
 * Collection throughput (DESIGN.md §6: ≥ 30,000 events/s on 2 cores through the HTTP API, p99 < 100 ms, nothing
 * acknowledged lost). A `siyu serve` child process takes
 *   1. Segment /v1/batch and 神策 /sa (gzip'd data_list) requests of 100 events each, from 16 concurrent senders
 *      replaying the wire format the SDKs produce, for 15 s each — the server's sustained rate, acknowledged only
 *      once fsync'd, counted again once stored;
 *   2. the real clients (@segment/analytics-node, sa-sdk-node), 20,000 events each, end to end: these are bound
 *      by the clients' own CPU cost per event, not by the server.
 * Latency is per request as the sender sees it; peak RSS is the server's (VmHWM).
 */
const require = createRequire(import.meta.url);
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const SECONDS = Number(process.env.SIYU_BENCH_COLLECT_SECONDS ?? 15);

export const collectBenchmark: Benchmark = {
  name: 'collect',
  description: 'events/s, p50/p99 latency and peak RSS through /v1/batch and /sa (2 cores, fsync per group commit)',
  async run(ctx) {
    const app = await openApp({ dir: ctx.dir });
    const seg = await createSource(app, 'bench-seg');
    const sa = await createSource(app, 'bench-sa');
    const real = await createSource(app, 'bench-real-seg');
    const realSa = await createSource(app, 'bench-real-sa');
    app.close();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: ctx.dir }, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    const rows: BenchRow[] = [];
    try {
      await up(base);
      const segAuth = `Basic ${Buffer.from(`${seg.write_key}:`).toString('base64')}`;
      const a = await blast(ctx.log, 'Segment /v1/batch', (k) => fetch(`${base}/v1/batch`, { method: 'POST', headers: { authorization: segAuth, 'content-type': 'application/json' }, body: segmentBatch(k) }));
      const b = await blast(ctx.log, '神策 /sa', (k) => fetch(`${base}/sa?project=bench-sa&token=${sa.write_key}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: sensorsBatch(k) }));
      for (const [name, r] of [['Segment /v1/batch', a], ['神策 /sa', b]] as const) {
        rows.push({ metric: `${name}: acknowledged events/s (16 senders × 100-event batches)`, value: r.eventsPerSec, unit: 'events/s', note: `target ≥ 30,000; ${r.acked} events acknowledged in ${r.seconds.toFixed(1)} s` });
        rows.push({ metric: `${name}: request latency p50`, value: r.p50, unit: 'ms' });
        rows.push({ metric: `${name}: request latency p99`, value: r.p99, unit: 'ms', note: 'target < 100 ms' });
      }
      const t0 = Date.now();
      const want = { 'bench-seg': a.acked, 'bench-sa': b.acked };
      let stored: Record<string, number> = {};
      while (Date.now() - t0 < 120_000) {
        stored = await storedBySource(base, ctx.dir);
        if (stored['bench-seg'] >= want['bench-seg'] && stored['bench-sa'] >= want['bench-sa']) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const lost = Math.max(0, want['bench-seg'] - (stored['bench-seg'] ?? 0)) + Math.max(0, want['bench-sa'] - (stored['bench-sa'] ?? 0));
      rows.push({ metric: 'acknowledged but not stored', value: lost, unit: 'events', note: `stored ${stored['bench-seg']} + ${stored['bench-sa']}; loader caught up ${((Date.now() - t0) / 1000).toFixed(1)} s after the senders stopped` });

      const segReal = await realSegment(base, real.write_key, 20_000);
      rows.push({ metric: 'real @segment/analytics-node client, 20,000 events end to end', value: segReal, unit: 'events/s', note: 'bound by the client\'s own CPU per event' });
      const saReal = await realSensors(`${base}/sa?project=bench-real-sa&token=${realSa.write_key}`, 20_000);
      rows.push({ metric: 'real sa-sdk-node client, 20,000 events end to end', value: saReal, unit: 'events/s', note: 'bound by the client\'s own CPU per event' });
      rows.push({ metric: 'server peak RSS', value: peakRss(server), unit: 'MiB' });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    return rows;
  },
};

async function up(base: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('siyu serve did not start');
}

function segmentBatch(k: number): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    batch: Array.from({ length: 100 }, (_, i) => ({
      type: 'track', event: 'Product Viewed', userId: `user-${(k * 100 + i) % 5000}`, messageId: `b-${k}-${i}`, timestamp: now,
      properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9 }, context: { library: { name: '@segment/analytics-node', version: '3.1.0' } }, _metadata: { jsRuntime: 'node' },
    })),
    sentAt: now,
  });
}

function sensorsBatch(k: number): string {
  const time = Date.now();
  const list = Array.from({ length: 100 }, (_, i) => ({
    _track_id: k * 100 + i, type: 'track', event: 'ViewProduct', time, distinct_id: `sa-user-${(k * 100 + i) % 5000}`,
    properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9, $lib: 'Node', $lib_version: '1.2.6' }, lib: { $lib: 'Node', $lib_version: '1.2.6', $lib_method: 'code' },
  }));
  return new URLSearchParams({ data_list: gzipSync(JSON.stringify(list)).toString('base64'), gzip: '1' }).toString();
}

interface BlastResult { acked: number; seconds: number; eventsPerSec: number; p50: number; p99: number }

async function blast(log: (s: string) => void, name: string, send: (k: number) => Promise<Response>): Promise<BlastResult> {
  const latencies: number[] = [];
  let acked = 0;
  let k = 0;
  let rejected = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  const sender = async () => {
    while (performance.now() < until) {
      const s = performance.now();
      const r = await send(k++);
      await r.arrayBuffer();
      latencies.push(performance.now() - s);
      if (r.status === 200) acked += 100;
      else {
        rejected++;
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, sender));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((x, y) => x - y);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  log(`${name}: ${acked} events in ${seconds.toFixed(1)} s (${rejected} requests answered 429/other)`);
  return { acked, seconds, eventsPerSec: acked / seconds, p50: q(0.5), p99: q(0.99) };
}

/** Stored events per source, read through the running server (forwarded `siyu sources list --json`). */
async function storedBySource(base: string, dir: string): Promise<Record<string, number>> {
  const lock = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { token: string };
  const r = await fetch(`${base}/internal/cli`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-siyu-token': lock.token }, body: JSON.stringify({ argv: ['sources', 'list', '--json'], cwd: dir }) });
  const out = (await r.json()) as { stdout: string };
  const { sources } = JSON.parse(out.stdout) as { sources: { name: string; events: number }[] };
  return Object.fromEntries(sources.map((s) => [s.name, s.events]));
}

async function realSegment(host: string, writeKey: string, n: number): Promise<number> {
  const analytics = new Analytics({ writeKey, host, flushAt: 100, flushInterval: 200, maxRetries: 5 });
  const t0 = Date.now();
  for (let i = 0; i < n; i++) analytics.track({ userId: `seg-user-${i % 500}`, event: 'Product Viewed', messageId: `seg-${i}`, properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9 } });
  await analytics.closeAndFlush({ timeout: 120_000 });
  return n / ((Date.now() - t0) / 1000);
}

async function realSensors(url: string, n: number): Promise<number> {
  const mod = require('sa-sdk-node');
  const SensorsAnalytics = mod.default ?? mod;
  const sa = new SensorsAnalytics();
  const submitter = sa.submitTo({ url, gzip: true, mode: 'track', timeout: 30_000 }, { count: 100, timeSpan: 200 });
  let batches = 0;
  submitter.subscribe(() => batches++, () => batches++);
  const t0 = Date.now();
  for (let i = 0; i < n; i++) sa.track(`sa-user-${i % 500}`, 'ViewProduct', { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9, seq: i });
  while (batches < n / 100 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 20));
  return n / ((Date.now() - t0) / 1000);
}

function peakRss(p: ChildProcess): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
