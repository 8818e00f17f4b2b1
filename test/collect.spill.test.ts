import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { createSource } from '../src/collect/sources.ts';
import { Collector } from '../src/collect/collector.ts';
import { listSegments } from '../src/collect/wal.ts';
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
  const memoryBytes = 8 * 1024;
  const web = await createSource(app, 'web');
  const c = await Collector.start(app, { memoryBytes, segmentBytes: 64 * 1024 });
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
    const facts = await app.db.scalar(`select count(*)::integer from collect_identity_facts where source_id = $s`, { s: web.id });
    assert.equal(facts, 1, 'the identify read back from the log was kept as a fact');
    const counted = await app.db.scalar(`select events::integer from collect_source_stats where source_id = $s`, { s: web.id });
    assert.equal(counted, requests * per + 1);
    assert.deepEqual(listSegments(paths.wal(dir)), [c.wal.currentSegment], 'loaded segments are deleted, spilled ones included');
  } finally {
    await c.stop();
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
