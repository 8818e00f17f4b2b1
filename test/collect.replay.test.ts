import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { createSource } from '../src/collect/sources.ts';
import { WriteAheadLog, listSegments } from '../src/collect/wal.ts';
import { keptOf, toEntry, type WalKept } from '../src/collect/entry.ts';
import { IdHasher } from '../src/domain/collect/ids.ts';
import { segmentToBatch } from '../src/domain/collect/segment.ts';
import { sensorsToBatch } from '../src/domain/collect/sensors.ts';
import { runningCollector } from '../src/collect/collector.ts';
import { startHarness } from './collect.helpers.ts';

/**
 * What a restart finds in the write-ahead log is loaded whole: the events, the identity facts (an identify that
 * links the earlier page view to a phone) and 神策 items — read back from the logged text alone (the loader keeps
 * only counts, facts and items in memory, and on replay rebuilds them from each frame).
 */
test('replay after a restart: logged events, identity facts and 神策 items are all stored, the page view joins the identified customer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-replay-'));
  const app = await openApp({ dir });
  const web = await createSource(app, 'web', { trust: 'server' });
  const mini = await createSource(app, 'mini');
  const hasher = new IdHasher(app.keys);
  const at = Date.parse('2026-11-20T10:00:00Z');
  const seg = segmentToBatch([
    { type: 'page', anonymousId: 'anon-r', messageId: 'r-1', name: 'Home', properties: { path: '/首页' } },
    { type: 'identify', anonymousId: 'anon-r', userId: 'member-7', messageId: 'r-2', traits: { phone: '13912345678' } },
  ], { sourceId: web.id, hasher, receivedAt: at, timezone: 'Asia/Shanghai' });
  const sa = sensorsToBatch([{ type: 'item_set', item_type: 'product', item_id: 'SKU-9', time: at, properties: { price: 5, title: '茶叶' } }], { sourceId: mini.id, hasher, receivedAt: at, timezone: 'Asia/Shanghai' });
  const { wal } = await WriteAheadLog.open<WalKept>(paths.wal(dir), new Map(), () => undefined);
  for (const [id, batch] of [[web.id, seg], [mini.id, sa]] as const) {
    const entry = toEntry(id, at, batch);
    await wal.append(JSON.stringify(entry), keptOf(entry));
  }
  await wal.close();
  await app.close();

  const h = await startHarness(dir);
  try {
    await h.drained();
    const c = runningCollector(dir)!;
    while ((await c.identity.applyPending()) > 0);
    const owners = await h.app.warehouse.all<{ customer_id: number | null; n: number }>(`select customer_id, count(*)::integer as n from events where source = 'web' group by 1`);
    assert.equal(owners.length, 1, 'both events belong to one customer');
    assert.equal(owners[0].n, 2);
    assert.ok(Number(owners[0].customer_id) > 0);
    const ids = (await h.app.warehouse.all<{ id_type: string }>(`select id_type from customer_identifiers where customer_id = $c order by 1`, { c: owners[0].customer_id })).map((x) => x.id_type);
    assert.deepEqual(ids, ['anonymous_id', 'phone', 'user_id']);
    const page = await h.app.warehouse.get<{ path: string }>(`select properties->>'path' as path from events where source = 'web' and type = 'page_view'`);
    assert.deepEqual(page, { path: '/首页' });
    const item = await h.app.warehouse.get<{ title: string; deleted: boolean }>(`select properties->>'title' as title, deleted from collect_items where item_id = 'SKU-9'`);
    assert.deepEqual(item, { title: '茶叶', deleted: false });
    const st = await h.app.warehouse.get<{ events: number; profile_updates: number }>(`select events::integer as events, profile_updates::integer as profile_updates from collect_source_stats where source_id = $s`, { s: web.id });
    assert.equal(st?.events, 2);
    assert.ok(Number(st?.profile_updates) >= 1, 'the identify was counted as a profile update');
    // Deleted once a checkpoint holds its events (the loader checkpoints at most every 5 s while it loads).
    for (let i = 0; i < 100 && listSegments(paths.wal(dir)).includes('00000001.wal'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(!listSegments(paths.wal(dir)).includes('00000001.wal'), 'the replayed segment is deleted once loaded and checkpointed');
  } finally {
    await h.close();
  }
});
