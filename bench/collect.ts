import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, BenchRow } from './list.ts';
import { openApp } from '../src/app/context.ts';
import { createSource } from '../src/collect/sources.ts';
import { blast, cpuSeconds, loadAverage, peakRssMiB, realClient, segmentBodies, sensorsBodies, type BlastResult } from './collectLoad.ts';

/**
 * Collection throughput (DESIGN.md §6: ≥ 30,000 events/s on 2 cores through the HTTP API, p99 < 100 ms, nothing
 * acknowledged lost). A `siyu serve` child process takes
 *   1. the raw-wire blast: Segment /v1/batch and 神策 /sa (gzip'd data_list) requests of 100 events, in the SDKs'
 *      exact wire format, from 16 concurrent senders for SIYU_BENCH_COLLECT_SECONDS (default 10) each — the
 *      server's ceiling on this machine; every answer comes after the write-ahead log's fsync;
 *   2. the real clients: 2 × @segment/analytics-node, 1 × @rudderstack/rudder-sdk-node, 2 × sa-sdk-node processes
 *      at once (SIYU_BENCH_COLLECT_CLIENT_N events each, default 25,000), end to end. They share the 2 cores with
 *      the server and cost far more CPU per event than it does, so the server's own figures are reported beside.
 * Then every acknowledged event must be stored (counted through the running server), and the server's peak RSS.
 */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const SECONDS = Number(process.env.SIYU_BENCH_COLLECT_SECONDS ?? 10);
/** The offered rate of the paced run: DESIGN.md §6's target. */
const SUSTAINED = Number(process.env.SIYU_BENCH_COLLECT_RATE ?? 30_000);
const CLIENT_N = Number(process.env.SIYU_BENCH_COLLECT_CLIENT_N ?? 25_000);

export const collectBenchmark: Benchmark = {
  name: 'collect',
  description: 'events/s, p50/p99 latency, server CPU per event and peak RSS through /v1/batch and /sa (2 cores, fsync per group commit)',
  async run(ctx) {
    const app = await openApp({ dir: ctx.dir });
    const names = ['bench-seg', 'bench-sa', 'real-seg', 'real-rudder', 'real-sa'];
    const keys: Record<string, string> = {};
    for (const n of names) keys[n] = (await createSource(app, n)).write_key;
    app.close();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: ctx.dir }, stdio: 'ignore' });
    const pid = server.pid!;
    const base = `http://127.0.0.1:${port}`;
    const rows: BenchRow[] = [];
    const want: Record<string, number> = {};
    try {
      await up(base);
      // Bodies for a blast at up to 80,000 events/s and the paced run after it: running out would end a run early.
      const need = Math.ceil((SECONDS * (80_000 + SUSTAINED)) / 100);
      const blasts: [string, string, string, Record<string, string>, Buffer[]][] = [
        ['Segment /v1/batch', 'bench-seg', `${base}/v1/batch`, { authorization: `Basic ${Buffer.from(`${keys['bench-seg']}:`).toString('base64')}`, 'content-type': 'application/json' }, segmentBodies(need, 'b')],
        ['神策 /sa', 'bench-sa', `${base}/sa?project=bench-sa&token=${keys['bench-sa']}`, { 'content-type': 'application/x-www-form-urlencoded' }, sensorsBodies(need, 'b')],
      ];
      for (const [label, source, url, headers, bodies] of blasts) {
        const load = loadAverage();
        const c0 = cpuSeconds(pid);
        const r: BlastResult = await blast(url, headers, bodies, SECONDS);
        const cpu = cpuSeconds(pid) - c0;
        want[source] = r.acked;
        ctx.log(`${label}: ${r.acked} events in ${r.seconds.toFixed(1)} s, ${r.rejected} requests refused; server CPU ${cpu.toFixed(1)} s; load average before ${load}`);
        rows.push({ metric: `${label} raw-wire blast: acknowledged events/s (16 senders × 100-event requests)`, value: r.eventsPerSec, unit: 'events/s', note: `target ≥ 30,000; ${r.acked} acknowledged in ${r.seconds.toFixed(1)} s; load average before: ${load}` });
        rows.push({ metric: `${label} raw-wire blast: request latency p50 / p99`, value: r.p99, unit: 'ms (p99)', note: `p50 ${r.p50.toFixed(1)} ms; the sender's own event-loop delay p99 ${r.senderDelayP99.toFixed(1)} ms` });
        rows.push({ metric: `${label} raw-wire blast: server CPU per event`, value: (cpu / r.acked) * 1e6, unit: 'µs', note: `${cpu.toFixed(1)} CPU s in the server process (all its threads) over ${r.seconds.toFixed(1)} s` });
        // The target's own shape: 30,000 events/s offered steadily (not a saturating blast), latency from when each request was due.
        // It starts once the loader has stored what the blast left queued (else its first seconds measure the 429s of that backlog).
        const caught = await storedAtLeast(base, ctx.dir, { [source]: want[source] });
        ctx.log(`${label}: loader stored the blast's backlog ${caught.seconds.toFixed(1)} s after it ended`);
        const paced: BlastResult = await blast(url, headers, bodies.slice(r.sent), SECONDS, 16, SUSTAINED);
        want[source] += paced.acked;
        rows.push({ metric: `${label} sustained ${SUSTAINED.toLocaleString('en')} events/s offered: acknowledged events/s`, value: paced.eventsPerSec, unit: 'events/s', note: `${paced.rejected} requests refused; load average before: ${loadAverage()}` });
        rows.push({ metric: `${label} sustained ${SUSTAINED.toLocaleString('en')} events/s offered: request latency p99`, value: paced.p99, unit: 'ms (p99)', note: `p50 ${paced.p50.toFixed(1)} ms, from when each request was due; the sender's own event-loop delay p99 ${paced.senderDelayP99.toFixed(1)} ms; target p99 < 100 ms` });
      }

      // The real clients start on an idle loader: left behind by the blasts, it would answer them 429, and
      // sa-sdk-node's submitter stops at its first failed request.
      const caught = await storedAtLeast(base, ctx.dir, { 'bench-sa': want['bench-sa'] });
      ctx.log(`real clients start ${caught.seconds.toFixed(1)} s after the blasts, once their events are stored`);
      const load = loadAverage();
      const c0 = cpuSeconds(pid);
      const t0 = performance.now();
      const runs = await Promise.all([
        realClient('segment', base, keys['real-seg'], CLIENT_N, 'p1-', ''),
        realClient('segment', base, keys['real-seg'], CLIENT_N, 'p2-', ''),
        realClient('rudder', base, keys['real-rudder'], CLIENT_N, 'p1-', ''),
        realClient('sensors', base, keys['real-sa'], CLIENT_N, 'p1-', 'real-sa'),
        realClient('sensors', base, keys['real-sa'], CLIENT_N, 'p2-', 'real-sa'),
      ]);
      const secs = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - c0;
      const total = runs.reduce((a, r) => a + r.n, 0);
      const failed = runs.reduce((a, r) => a + r.failed, 0);
      const clientCpu = runs.reduce((a, r) => a + r.cpu_ms, 0) / 1000;
      want['real-seg'] = 2 * CLIENT_N;
      want['real-rudder'] = CLIENT_N;
      want['real-sa'] = 2 * CLIENT_N;
      ctx.log(`real clients: ${runs.map((r) => `${r.sdk} ${r.n} in ${r.seconds.toFixed(1)} s (${(r.cpu_ms / r.n * 1000).toFixed(0)} µs CPU/event)`).join('; ')}`);
      rows.push({ metric: 'real clients (2 Segment + 1 RudderStack + 2 神策 processes at once), events/s end to end', value: total / secs, unit: 'events/s', note: `${total} events in ${secs.toFixed(1)} s, ${failed} failed; load average before: ${load}` });
      rows.push({ metric: 'real clients: CPU per event in the clients / in the server', value: (clientCpu / total) * 1e6, unit: 'µs (clients)', note: `server ${((cpu / total) * 1e6).toFixed(1)} µs/event (${cpu.toFixed(1)} CPU s); the clients used ${clientCpu.toFixed(1)} CPU s` });
      rows.push({ metric: 'real clients: server capacity at its measured CPU per event, 2 cores', value: (2 / cpu) * total, unit: 'events/s', note: 'what the server would take if the clients ran elsewhere (an estimate from CPU time, not a measurement)' });

      const { seconds, stored } = await storedAtLeast(base, ctx.dir, want);
      const lost = Object.entries(want).reduce((a, [k, v]) => a + Math.max(0, v - (stored[k] ?? 0)), 0);
      const extra = Object.entries(want).reduce((a, [k, v]) => a + Math.max(0, (stored[k] ?? 0) - v), 0);
      rows.push({ metric: 'acknowledged but not stored', value: lost, unit: 'events', note: `${Object.values(want).reduce((a, b) => a + b, 0)} acknowledged, ${extra} stored beyond that; loader caught up ${seconds.toFixed(1)} s after the last client` });
      rows.push({ metric: 'server peak RSS', value: peakRssMiB(pid), unit: 'MiB' });
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

/** Waits (at most 2 minutes) until each source has at least its events stored; the seconds it took and the counts. */
async function storedAtLeast(base: string, dir: string, want: Record<string, number>): Promise<{ seconds: number; stored: Record<string, number> }> {
  const t0 = Date.now();
  let stored = await storedBySource(base, dir);
  while (Date.now() - t0 < 120_000 && !Object.entries(want).every(([k, v]) => (stored[k] ?? 0) >= v)) {
    await new Promise((r) => setTimeout(r, 100));
    stored = await storedBySource(base, dir);
  }
  return { seconds: (Date.now() - t0) / 1000, stored };
}

/** Stored events per source, read through the running server (forwarded `siyu sources list --json`). */
async function storedBySource(base: string, dir: string): Promise<Record<string, number>> {
  const lock = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { token: string };
  const r = await fetch(`${base}/internal/cli`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-siyu-token': lock.token }, body: JSON.stringify({ argv: ['sources', 'list', '--json'], cwd: dir }) });
  const out = (await r.json()) as { stdout: string };
  const { sources } = JSON.parse(out.stdout) as { sources: { name: string; events: number }[] };
  return Object.fromEntries(sources.map((s) => [s.name, s.events]));
}
