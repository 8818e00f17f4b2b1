import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { createSource } from '../src/collect/sources.ts';
import { Collector } from '../src/collect/collector.ts';
import { WriteAheadLog, listSegments, readFrames, type WalRecord } from '../src/collect/wal.ts';
import { SegmentRetirer } from '../src/collect/segments.ts';
import { Loader } from '../src/collect/loader.ts';
import { describeCollector } from '../src/collect/report.ts';
import { keptOf, toEntry, type WalKept } from '../src/collect/entry.ts';
import { IdHasher } from '../src/domain/collect/ids.ts';
import { segmentToBatch } from '../src/domain/collect/segment.ts';
import { storedCounts } from './collect.helpers.ts';

/**
 * A burst longer than the loader keeps up with is not refused and does not grow memory: past `memoryBytes` of
 * logged text the loader keeps only where the waiting records lie in the log and reads them back when it reaches
 * them — across segment rotations, with an identify among them — and every event is stored exactly once.
 */
test('a backlog past the memory bound is read back from the log: nothing refused, every event stored once, memory stays bounded', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-spill-'));
  const app = await openApp({ dir });
  const memoryBytes = 64 * 1024;
  const web = await createSource(app, 'web');
  const c = await Collector.start(app, { memoryBytes, segmentBytes: 256 * 1024, checkpointEveryMs: 100 });
  try {
    const at = Date.parse('2026-11-20T10:00:00Z');
    const requests = 400;
    const per = 25;
    const sends: Promise<void>[] = [];
    for (let k = 0; k < requests; k++) {
      const msgs = Array.from({ length: per }, (_, i) => ({ type: 'track', anonymousId: `anon-${k % 7}`, event: 'Product Viewed', messageId: `sp-${k}-${i}`, properties: { sku: `SKU-${i}`, k } }));
      if (k === 200) msgs.push({ type: 'identify', anonymousId: 'anon-3', userId: 'member-3', messageId: 'sp-identify', traits: {} } as never);
      sends.push(c.accept(web, segmentToBatch(msgs, { sourceId: web.id, hasher: c.hasher, receivedAt: at, timezone: 'Asia/Shanghai' }), at));
    }
    await Promise.all(sends);
    await c.loader.drain();
    assert.deepEqual(await storedCounts(app, 'web'), { rows: requests * per + 1, distinct: requests * per + 1 });
    assert.ok(c.loader.totals.readBack > 0, 'part of the backlog was read back from the log');
    assert.ok(c.loader.totals.peakHeldBytes <= 3 * memoryBytes, `held at most ${c.loader.totals.peakHeldBytes} bytes of text`);
    assert.equal(c.loader.totals.errors, 0);
    assert.equal(c.loader.backlog, 0);
    const facts = await app.warehouse.scalar(`select count(*)::integer from collect_identity_facts where source_id = $s`, { s: web.id });
    assert.equal(facts, 1, 'the identify read back from the log was kept as a fact');
    const counted = await app.warehouse.scalar(`select events::integer from collect_source_stats where source_id = $s`, { s: web.id });
    assert.equal(counted, requests * per + 1);
    await onlyCurrentSegment(dir, c);
    assert.deepEqual(listSegments(paths.wal(dir)), [c.wal.currentSegment], 'loaded segments are deleted once checkpointed, spilled ones included');
  } finally {
    await c.stop();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Waits (up to 10 s) until the loader's checkpoint has let it delete every segment but the one being written. */
async function onlyCurrentSegment(dir: string, c: Collector): Promise<void> {
  for (let i = 0; i < 200 && listSegments(paths.wal(dir)).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(c.retirer.totals.checkpoints > 0, 'the loader checkpointed');
}

/** Writes `requests` logged requests of `per` track events each for source 'web' straight into a store's log. */
async function logBacklog(dir: string, requests: number, per: number, segmentBytes?: number) {
  const app = await openApp({ dir });
  const web = await createSource(app, 'web');
  const hasher = new IdHasher(app.keys);
  const at = Date.parse('2026-11-20T10:00:00Z');
  const handed: WalRecord<WalKept>[] = [];
  const { wal } = await WriteAheadLog.open<WalKept>(paths.wal(dir), new Map(), (r) => handed.push(...r), segmentBytes);
  for (let k = 0; k < requests; k++) {
    const msgs = Array.from({ length: per }, (_, i) => ({ type: 'track', anonymousId: `anon-${k % 5}`, event: 'Order Completed', messageId: `rs-${k}-${i}`, properties: { k, i } }));
    const entry = toEntry(web.id, at, segmentToBatch(msgs, { sourceId: web.id, hasher, receivedAt: at, timezone: 'Asia/Shanghai' }));
    await wal.append(JSON.stringify(entry), keptOf(entry));
  }
  return { app, wal, handed };
}

/**
 * A restart that finds a long backlog in the log (three segments) does not read it all into memory: it notes where
 * the waiting frames lie and the loader reads them back as it reaches them.
 */
test('a restart with a backlog in the log reads it back a stretch at a time: every event stored once, memory bounded', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-spill-'));
  const requests = 150;
  const per = 20;
  const { app, wal } = await logBacklog(dir, requests, per, 32 * 1024);
  await wal.close();
  assert.ok(listSegments(paths.wal(dir)).length >= 3, 'the backlog spans several segments');
  const memoryBytes = 16 * 1024;
  const c = await Collector.start(app, { memoryBytes, checkpointEveryMs: 100 });
  try {
    await c.loader.drain();
    assert.deepEqual(await storedCounts(app, 'web'), { rows: requests * per, distinct: requests * per });
    assert.ok(c.loader.totals.peakHeldBytes <= 3 * memoryBytes, `held at most ${c.loader.totals.peakHeldBytes} bytes of text`);
    assert.equal(c.loader.totals.readBack, requests);
    assert.equal(c.loader.backlog, 0);
    await onlyCurrentSegment(dir, c);
    assert.deepEqual(listSegments(paths.wal(dir)), [c.wal.currentSegment]);
  } finally {
    await c.stop();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * What an operator sees of the lag: before the loader runs, the waiting events, the text held in memory (within the
 * bound) and the rest left on disk; after it, nothing waiting and what was read back.
 */
test('the loader reports its lag: events waiting, text in memory within the bound, the rest on disk; nothing after it drains', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-spill-'));
  const walDir = paths.wal(dir);
  const { app, wal, handed } = await logBacklog(dir, 40, 10);
  const db = await app.warehouse.fork();
  const memoryBytes = 4 * 1024;
  const loader = new Loader(db, app.workspaceId, () => 'web', new SegmentRetirer(db, async () => undefined), () => wal.currentSegment, (seg, from, to, max) => readFrames(walDir, seg, from, to, max, (p) => keptOf(JSON.parse(p.toString('utf8')))), memoryBytes);
  try {
    loader.push(handed);
    const total = handed.reduce((n, r) => n + r.payload.length + 8, 0);
    const before = loader.status();
    assert.equal(before.waiting_events, 400);
    assert.ok(before.in_memory_bytes > 0 && before.in_memory_bytes <= memoryBytes, `${before.in_memory_bytes} bytes held`);
    // The first records, up to the bound, are held; every frame after them is left on disk.
    let held = 0;
    let heldFrames = 0;
    for (const r of handed) {
      if (held + r.payload.length > memoryBytes) break;
      held += r.payload.length;
      heldFrames += 8 + r.payload.length;
    }
    assert.equal(before.in_memory_bytes, held);
    assert.equal(before.on_disk_bytes, total - heldFrames, 'everything not held is on disk, framing included');
    assert.match(describeCollector({ ...before, max_backlog: 2_000_000 }), /400 events waiting to be stored .* 429 past 2,000,000/);
    loader.start();
    await loader.drain();
    const after = loader.status();
    assert.deepEqual({ waiting: after.waiting_events, memory: after.in_memory_bytes, disk: after.on_disk_bytes, stored: after.stored }, { waiting: 0, memory: 0, disk: 0, stored: 400 });
    assert.ok(after.read_back > 0);
  } finally {
    await loader.stop();
    await wal.close();
    db.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
