import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { runRetention, setRetention, retentionPolicies } from '../src/privacy/retention.ts';

test('retention: events older than 24 months and quarantine files older than 30 days are purged, each purge audited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-ret-'));
  const app = await openApp({ dir });
  try {
    const now = new Date('2026-11-23T00:00:00Z');
    await app.warehouse.run(`insert into events (workspace_id, event_id, type, occurred_at, event_date) values
      (1, 'old1', 'page_view', '2024-11-01', '2024-11-01'), (1, 'old2', 'page_view', '2024-01-01', '2024-01-01'), (1, 'new', 'page_view', '2025-01-01', '2025-01-01')`);
    const q = join(dir, 'quarantine');
    mkdirSync(q, { recursive: true });
    writeFileSync(join(q, 'old.jsonl'), '{}\n');
    writeFileSync(join(q, 'new.jsonl'), '{}\n');
    utimesSync(join(q, 'old.jsonl'), new Date('2026-10-01'), new Date('2026-10-01'));
    utimesSync(join(q, 'new.jsonl'), new Date('2026-11-20'), new Date('2026-11-20'));
    const dry = await runRetention(app, { dryRun: true, now });
    assert.equal(dry.find((r) => r.data_class === 'raw_events')!.purged, 2);
    assert.equal(await app.warehouse.scalar('select count(*) from events'), 3);
    const r = await runRetention(app, { now });
    assert.deepEqual(r.filter((x) => x.purged).map((x) => [x.data_class, x.purged, x.unit]), [['quarantine_files', 1, 'files'], ['raw_events', 2, 'rows']]);
    assert.deepEqual((await app.warehouse.all<{ event_id: string }>('select event_id from events')).map((e) => e.event_id), ['new']);
    assert.equal(existsSync(join(q, 'old.jsonl')), false);
    assert.equal(existsSync(join(q, 'new.jsonl')), true);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'retention.purge'`), 2);
    await setRetention(app, 'raw_events', null);
    assert.equal((await retentionPolicies(app)).find((p) => p.data_class === 'raw_events')!.keep_days, null);
    await assert.rejects(setRetention(app, 'everything', 1), /Data class must be one of/);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
