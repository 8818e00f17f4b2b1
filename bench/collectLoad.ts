import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Load generators for the collection benchmark: a raw-wire blast (request bodies in the SDKs' exact wire format,
 * built and encoded before the clock starts, held as Buffers outside the sender's JS heap so its garbage collector
 * does not pause over hundreds of MB of bodies, so the sender's cost is only HTTP) and real SDK clients in child processes
 * (test/collect.sdkClient.ts). Plus the server-side gauges: CPU seconds of a process and its peak RSS.
 */
export interface BlastResult { acked: number; seconds: number; eventsPerSec: number; p50: number; p99: number; rejected: number; /** bodies used */ sent: number; /** the sender's own event-loop delay p99, ms (its stalls count in the latencies) */ senderDelayP99: number }

const PER = 100;

/** `count` distinct /v1/batch bodies of 100 messages, as @segment/analytics-node sends them. */
export function segmentBodies(count: number, tag: string): Buffer[] {
  const now = new Date().toISOString();
  return Array.from({ length: count }, (_, k) => Buffer.from(JSON.stringify({
    batch: Array.from({ length: PER }, (_, i) => ({
      type: 'track', event: 'Product Viewed', userId: `user-${(k * PER + i) % 5000}`, messageId: `${tag}-${k}-${i}`, timestamp: now,
      properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9 }, context: { library: { name: '@segment/analytics-node', version: '2.1.3' } }, _metadata: { jsRuntime: 'node' },
    })),
    sentAt: now,
  })));
}

/** `count` distinct 神策 form bodies (gzip'd, base64 data_list of 100 records), as sa-sdk-node sends them. */
export function sensorsBodies(count: number, tag: string): Buffer[] {
  const time = Date.now();
  return Array.from({ length: count }, (_, k) => {
    const list = Array.from({ length: PER }, (_, i) => ({
      _track_id: Math.floor(Math.random() * 1e10), type: 'track', event: 'ViewProduct', time, distinct_id: `sa-user-${(k * PER + i) % 5000}`,
      properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9, seq: `${tag}-${k}-${i}`, $lib: 'Node', $lib_version: '1.2.6' }, lib: { $lib: 'Node', $lib_version: '1.2.6', $lib_method: 'code' },
    }));
    return Buffer.from(new URLSearchParams({ data_list: gzipSync(JSON.stringify(list)).toString('base64'), gzip: '1' }).toString());
  });
}

/**
 * Sends the bodies from `senders` concurrent connections for at most `seconds`; each answer comes after fsync.
 * Without `eventsPerSec` every sender sends as fast as answers come (the server's ceiling; latency is then mostly
 * queueing). With it, the senders are paced to that offered rate in total, and each latency is measured from the
 * moment its request was due, not when it left (so a stalled server's backlog counts against it: no coordinated
 * omission).
 */
export async function blast(url: string, headers: Record<string, string>, bodies: Buffer[], seconds: number, senders = 16, eventsPerSec?: number): Promise<BlastResult> {
  const latencies: number[] = [];
  let acked = 0;
  let rejected = 0;
  let k = 0;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const interval = eventsPerSec ? (PER * senders * 1000) / eventsPerSec : 0;
  await Promise.all(Array.from({ length: senders }, async (_, i) => {
    let due = t0 + (interval * i) / senders;
    while (performance.now() < until && k < bodies.length) {
      if (interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      }
      // Another sender may have taken the last body while this one waited.
      if (k >= bodies.length) break;
      const s = interval ? due : performance.now();
      due += interval;
      const r = await fetch(url, { method: 'POST', headers, body: bodies[k++] as Uint8Array<ArrayBuffer> });
      await r.arrayBuffer();
      latencies.push(performance.now() - s);
      if (r.status === 200) acked += PER;
      else {
        rejected++;
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  delay.disable();
  latencies.sort((x, y) => x - y);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { acked, seconds: secs, eventsPerSec: acked / secs, p50: q(0.5), p99: q(0.99), rejected, sent: k, senderDelayP99: delay.percentile(99) / 1e6 };
}

export interface ClientRun { sdk: string; n: number; failed: number; seconds: number; cpu_ms: number }

/** One real SDK client process sending n events (test/collect.sdkClient.ts). */
export function realClient(sdk: 'segment' | 'rudder' | 'sensors', base: string, key: string, n: number, prefix: string, source: string): Promise<ClientRun> {
  const script = join(import.meta.dirname, '..', 'test', 'collect.sdkClient.ts');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, sdk, base, key, String(n), prefix, source], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    // A client that stops delivering (an SDK whose queue dies at a failed request) must not hang the benchmark.
    const limitS = Math.max(120, n / 100);
    const timer = setTimeout(() => p.kill('SIGKILL'), limitS * 1000);
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as ClientRun);
      else reject(new Error(`${sdk} client ${signal ? `killed after ${limitS} s without finishing` : `exited ${code}`}`));
    });
  });
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Peak resident memory of a process (VmHWM), MiB. */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
