import { createRequire } from 'node:module';
import { Analytics } from '@segment/analytics-node';

/**
 * One real SDK client in its own process, sending N events to a Siyu server, as a brand's back end would (large
 * flush batches). Used by test/collect.sdks.test.ts (the clients run beside the in-process server, on the other
 * core) and by bench/collect.ts (several at once). Prints one JSON line: { sdk, n, failed, seconds, cpu_ms }.
 *
 *   node --import tsx test/collect.sdkClient.ts <segment|rudder|sensors> <base url> <write key> <n> [id prefix] [source name]
 */
const [sdk, base, key, nText, prefix = '', sourceName = 'sa'] = process.argv.slice(2);
const N = Number(nText);
const require = createRequire(import.meta.url);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let failed = 0;

if (sdk === 'segment') {
  const analytics = new Analytics({ writeKey: key, host: base, flushAt: 1_000, flushInterval: 100, maxRetries: 5 });
  analytics.on('error', () => failed++);
  // At most a few batches in flight (a producer waiting on delivery callbacks): 100,000 events queued at once
  // would have the client spend half its time collecting garbage.
  let pending = 0;
  const delivered = () => pending--;
  for (let i = 0; i < N; i++) {
    pending++;
    analytics.track({ userId: `seg-user-${i % 500}`, event: 'Product Viewed', messageId: `${prefix}seg-${i}`, properties: { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9 } }, delivered);
    if (pending >= 4_000) while (pending > 2_000) await new Promise((r) => setTimeout(r, 1));
  }
  await analytics.closeAndFlush({ timeout: 300_000 });
} else if (sdk === 'rudder') {
  // The RudderStack client re-serialises its whole in-memory queue on every call (O(queue) per event): fed a flush
  // batch at a time, the next once the queue is short, it stays cheap.
  const Rudder = require('@rudderstack/rudder-sdk-node');
  const F = 100;
  const client = new Rudder(key, { dataPlaneUrl: base, flushAt: F, flushInterval: 50, logLevel: 'error', maxInternalQueueSize: N + 10 });
  const held = client as { queue: unknown[] };
  for (let i = 0; i < N; i++) {
    client.track({ anonymousId: `anon-${i % 300}`, event: 'Add To Cart', messageId: `${prefix}rs-${i}`, properties: { sku: `SKU-${i % 31}`, quantity: 1 + (i % 3) } }, (err: unknown) => {
      if (err) failed++;
    });
    if (i % F === F - 1) while (held.queue.length >= F) await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((resolve) => client.flush((err: unknown) => {
    if (err) failed++;
    resolve();
  }));
} else if (sdk === 'sensors') {
  const mod = require('sa-sdk-node');
  const SensorsAnalytics = mod.default ?? mod;
  const sa = new SensorsAnalytics();
  const per = 1_000;
  const submitter = sa.submitTo({ url: `${base}/sa?project=${sourceName}&token=${key}`, gzip: true, mode: 'track', timeout: 60_000 }, { count: per, timeSpan: 100 });
  let batches = 0;
  // The submitter is an Rx subject: its first failed request ends it, and nothing after is sent — stop waiting then.
  let ended = false;
  submitter.subscribe(() => batches++, () => {
    failed++;
    ended = true;
  });
  for (let i = 0; i < N; i++) {
    sa.track(`${prefix}sa-user-${i % 500}`, 'ViewProduct', { sku: `SKU-${i % 97}`, price: (i % 50) + 9.9, seq: i });
    if (i % 5_000 === 4_999) await new Promise((r) => setImmediate(r));
  }
  while (!ended && batches < Math.ceil(N / per)) await new Promise((r) => setTimeout(r, 20));
} else {
  console.error(`unknown sdk ${sdk}`);
  process.exit(2);
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ sdk, n: N, failed, seconds: (performance.now() - t0) / 1000, cpu_ms: (cpu.user + cpu.system) / 1000 }));
process.exit(0);
