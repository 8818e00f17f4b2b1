import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startHarness, storedCounts, type Harness } from './collect.helpers.ts';
import { collectorStatus, sourcesReport } from '../src/collect/report.ts';

/**
 * The real SDKs brands already run — @segment/analytics-node, @rudderstack/rudder-sdk-node and 神策 sa-sdk-node —
 * deliver 100,000 events each through Siyu, and every event is stored exactly once. Each client runs in its own
 * process (test/collect.sdkClient.ts), all three at once, configured as a back end sending to its own collector
 * would be (large flush batches); the server runs in this process. SIYU_COLLECT_N overrides the count.
 */
const N = Number(process.env.SIYU_COLLECT_N ?? 100_000);
const client = join(import.meta.dirname, 'collect.sdkClient.ts');
const CLIENT_LIMIT_MS = Math.max(300_000, N * 4);
interface Sent { sdk: string; n: number; failed: number; seconds: number; cpu_ms: number }
let h: Harness;
let sent: Record<string, Promise<Sent>> = {};

function run(sdk: string, key: string, source = ''): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', client, sdk, h.url, key, String(N), '', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    // A client that stops sending (an SDK that gives up after an error) fails its test instead of hanging the run.
    const limit = setTimeout(() => p.kill('SIGKILL'), CLIENT_LIMIT_MS);
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(limit);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as Sent);
      else reject(new Error(signal === 'SIGKILL' ? `${sdk} client still sending after ${CLIENT_LIMIT_MS / 1000} s: killed` : `${sdk} client exited ${code}`));
    });
  });
}

before(async () => {
  h = await startHarness();
  const seg = await h.source('web-seg');
  const rudder = await h.source('app-rudder');
  const sa = await h.source('sa');
  sent = { segment: run('segment', seg.write_key), rudder: run('rudder', rudder.write_key), sensors: run('sensors', sa.write_key, 'sa') };
  // Nothing rejected before the assertions read them.
  for (const p of Object.values(sent)) p.catch(() => undefined);
});
after(async () => h.close());

test(`the Segment Node client delivers ${N} track events, each stored once, with properties intact`, async () => {
  const r = await sent.segment;
  assert.equal(r.failed, 0);
  await h.drained();
  assert.deepEqual(await storedCounts(h.app, 'web-seg'), { rows: N, distinct: N });
  const e = await h.app.warehouse.get<{ type: string; properties: string; customer_id: unknown; anonymous_key: string }>(`select type, properties, customer_id, anonymous_key from events where event_id = $id`, { id: '1:seg-7' });
  assert.equal(e?.type, 'Product Viewed');
  assert.deepEqual({ sku: JSON.parse(e!.properties).sku, price: JSON.parse(e!.properties).price }, { sku: 'SKU-7', price: 16.9 });
  assert.equal(e?.customer_id, null);
  assert.match(e!.anonymous_key, /^[0-9a-f]{64}$/);
});

test(`the RudderStack Node client (gzip'd batches) delivers ${N} events, each stored once`, async () => {
  const r = await sent.rudder;
  assert.equal(r.failed, 0);
  await h.drained();
  assert.deepEqual(await storedCounts(h.app, 'app-rudder'), { rows: N, distinct: N });
});

test(`the 神策 sa-sdk-node client (gzip'd data_list) delivers ${N} events, each stored once`, async () => {
  const r = await sent.sensors;
  assert.equal(r.failed, 0);
  await h.drained();
  assert.deepEqual(await storedCounts(h.app, 'sa'), { rows: N, distinct: N });
  const seqs = await h.app.warehouse.scalar(`select count(distinct cast(properties->>'seq' as integer)) from events where source = 'sa'`);
  assert.equal(seqs, N);
});

test('sources list counts each source\'s stored events, and a re-sent batch is not stored twice', async () => {
  const { write_key } = await h.source('resend');
  const body = JSON.stringify({ batch: [1, 2, 3].map((i) => ({ type: 'track', userId: 'u', event: 'E', messageId: `dup-${i}` })) });
  const auth = `Basic ${Buffer.from(`${write_key}:`).toString('base64')}`;
  for (let k = 0; k < 3; k++) {
    const r = await fetch(`${h.url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { success: true });
  }
  await h.drained();
  const rows = await sourcesReport(h.app);
  // A client may re-send a batch whose answer it did not see in time (counted as duplicates, stored once).
  const by = Object.fromEntries(rows.map((r) => [r.name, r.name === 'resend' ? { events: r.events, duplicates: r.duplicates } : { events: r.events }]));
  assert.deepEqual(by, { 'web-seg': { events: N }, 'app-rudder': { events: N }, sa: { events: N }, resend: { events: 3, duplicates: 6 } });
  const lag = collectorStatus(h.app);
  assert.deepEqual({ waiting: lag?.waiting_events, disk: lag?.on_disk_bytes, refusedPast: lag?.max_backlog }, { waiting: 0, disk: 0, refusedPast: 2_000_000 });
});
