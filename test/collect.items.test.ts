import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createSource } from '../src/collect/sources.ts';
import { runningCollector } from '../src/collect/collector.ts';
import { sourcesReport } from '../src/collect/report.ts';

/**
 * What survives a restart besides the events: 神策 item records (item_set / item_delete → collect_items), the
 * per-source counts of rejected requests, and the live tail (read back from the stored events).
 */
const b64 = (o: unknown) => encodeURIComponent(Buffer.from(JSON.stringify(o)).toString('base64'));

async function start(dir: string): Promise<{ app: App; url: string; close(): Promise<void> }> {
  const app = await openApp({ dir });
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  return { app, url, close: async () => { await server.close(); app.close(); } };
}

test('神策 item_set / item_delete: the latest record per item wins, a delete leaves a tombstone, an older set cannot revive it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-items-'));
  const s = await start(dir);
  try {
    const { write_key } = await createSource(s.app, 'shop');
    const send = (records: unknown[]) => fetch(`${s.url}/sa?project=shop&token=${write_key}`, { method: 'POST', body: `data_list=${b64(records)}` });
    const t = 1_763_000_000_000;
    let r = await send([
      { type: 'item_set', item_type: 'product', item_id: 'SKU-1', time: t, properties: { price: 9, title: '茶杯' } },
      { type: 'item_set', item_type: 'product', item_id: 'SKU-1', time: t + 2, properties: { price: 8, title: '茶杯', contact: '13812345678' } },
      { type: 'item_set', item_type: 'product', item_id: 'SKU-2', time: t, properties: { price: 20 } },
      { type: 'item_set', item_type: 'article', item_id: 'A-1', time: t, properties: { title: 'tea' } },
    ]);
    assert.equal(r.status, 200);
    await runningCollector(dir)!.loader.drain();
    r = await send([
      { type: 'item_delete', item_type: 'product', item_id: 'SKU-2', time: t + 5 },
      { type: 'item_set', item_type: 'product', item_id: 'SKU-1', time: t + 1, properties: { price: 1 } },
    ]);
    assert.equal(r.status, 200);
    await runningCollector(dir)!.loader.drain();
    r = await send([{ type: 'item_set', item_type: 'product', item_id: 'SKU-2', time: t + 3, properties: { price: 99 } }]);
    await runningCollector(dir)!.loader.drain();
    const bad = await send([{ type: 'item_set', item_id: 'no-type', time: t }]);
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('x-siyu-error'), 'missing_item');
    const items = await s.app.warehouse.all<{ item_type: string; item_id: string; deleted: boolean; properties: string | null; updated_ms: number }>(
      `select item_type, item_id, deleted, cast(properties as varchar) as properties, updated_ms from collect_items order by item_type, item_id`,
    );
    assert.deepEqual(items.map((x) => ({ ...x, updated_ms: Number(x.updated_ms), properties: x.properties && JSON.parse(x.properties) })), [
      { item_type: 'article', item_id: 'A-1', deleted: false, properties: { title: 'tea' }, updated_ms: t },
      { item_type: 'product', item_id: 'SKU-1', deleted: false, properties: { price: 8, title: '茶杯', contact: '138****5678' }, updated_ms: t + 2 },
      { item_type: 'product', item_id: 'SKU-2', deleted: true, properties: null, updated_ms: t + 5 },
    ]);
    assert.equal(await s.app.warehouse.scalar(`select count(*) from events`), 0);
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rejected requests are counted per source and the counts and the tail survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-errors-'));
  let s = await start(dir);
  try {
    const { write_key } = await createSource(s.app, 'web');
    const auth = `Basic ${Buffer.from(`${write_key}:`).toString('base64')}`;
    const post = (body: string) => fetch(`${s.url}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post('{"batch":[{"type":"track","event":"E"}]}')).status, 400);
    assert.equal((await post(JSON.stringify({ batch: [1, 2, 3].map((i) => ({ type: 'track', userId: `u${i}`, event: 'Viewed', messageId: `m${i}`, properties: { i } })) }))).status, 200);
    assert.equal((await fetch(`${s.url}/v1/batch`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from('nope:').toString('base64')}` }, body: '{}' })).status, 401);
    await runningCollector(dir)!.loader.drain();
    const live = (await sourcesReport(s.app, { tail: true }))[0];
    assert.deepEqual({ errors: live.errors, last: live.last_error, tail: live.tail!.map((x) => x.properties) }, { errors: 2, last: 'missing_id', tail: [{ i: 1 }, { i: 2 }, { i: 3 }] });
    await new Promise((r) => setTimeout(r, 700));
    await s.close();
    s = await start(dir);
    const after = (await sourcesReport(s.app, { tail: true }))[0];
    assert.deepEqual({ errors: after.errors, last: after.last_error, events: after.events }, { errors: 2, last: 'missing_id', events: 3 });
    assert.deepEqual(after.tail!.map((x) => [x.type, x.properties]), [['Viewed', { i: 1 }], ['Viewed', { i: 2 }], ['Viewed', { i: 3 }]]);
    assert.match(after.tail![0].anonymous_key!, /^[0-9a-f]{8}…$/);
    const unknown = await s.app.warehouse.get<{ errors: number; last_error: string }>('select errors, last_error from collect_source_errors where source_id = 0');
    assert.deepEqual({ ...unknown, errors: Number(unknown!.errors) }, { errors: 1, last_error: 'bad_write_key' });
  } finally {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
