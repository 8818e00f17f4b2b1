import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { CDNOW_DIR } from '../src/domain/models/cdnow.fixture.ts';
import { cdnowApp } from '../src/models/cdnowStore.fixture.ts';
import { runDailyJobs } from '../src/server/jobs.ts';
import { openApp } from '../src/app/context.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('the daily jobs purge by retention policy (audited) and refresh CLV scores for every customer', { skip: !existsSync(CDNOW_DIR) && `dataset folder ${CDNOW_DIR} absent` }, async () => {
  const app = await cdnowApp();
  try {
    await app.warehouse.run(`insert into events (workspace_id, event_id, type, occurred_at, event_date) values (1, 'old', 'page_view', '2001-01-01', '2001-01-01')`);
    const out = await runDailyJobs(app);
    assert.deepEqual(out.map((o) => [o.job, o.ok]), [['retention', true], ['clv-scores', true]], JSON.stringify(out));
    assert.equal(out[1].detail.scored, 2357);
    assert.equal(out[1].detail.as_of, '1998-06-30');
    const scored = await app.warehouse.scalar(`select count(distinct customer_id) from customer_scores where model = 'clv'`);
    assert.equal(scored, 2357);
    assert.equal(out[0].detail.purged, 1);
    assert.equal(await app.warehouse.scalar(`select count(*) from events`), 0);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'retention.purge'`), 1);
  } finally {
    app.close();
    rmSync(app.dir, { recursive: true, force: true });
  }
});

test('a failing job is reported and does not stop the others', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-jobs-'));
  const app = await openApp({ dir });
  try {
    const out = await runDailyJobs(app, [
      { name: 'broken', run: async () => { throw new Error('boom\nstack'); } },
      { name: 'fine', run: async () => ({ n: 1 }) },
    ]);
    assert.deepEqual(out, [{ job: 'broken', ok: false, detail: { message: 'boom' } }, { job: 'fine', ok: true, detail: { n: 1 } }]);
    const empty = await runDailyJobs(app);
    assert.deepEqual(empty[1], { job: 'clv-scores', ok: true, detail: { skipped: 'no orders' } });
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
