import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../src/app/context.ts';
import type { StateStore } from '../src/store/interfaces.ts';
import { openState } from '../src/store/open.ts';
import { startRun, finishRun, failInterruptedRuns, getRun, recentRuns, appliedRuns, INTERRUPTED } from '../src/ingest/runs.ts';
import { ImportJobs } from '../src/ingest/jobs.ts';
import { invalidValues } from '../src/ingest/quality/invalidValues.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

// Import runs and jobs live in the state store: the same on the embedded SQLite and on PostgreSQL.
const dir = mkdtempSync(join(tmpdir(), 'siyu-runs-state-'));
const pg = startPostgres();
after(() => {
  pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engines: { name: string; open: () => Promise<StateStore>; skip: string | false }[] = [
  { name: 'sqlite', open: () => openState({ file: join(dir, `s${Math.random().toString(36).slice(2)}.db`) }), skip: false },
  { name: 'postgres', open: () => openState({ file: '', url: pg!.database() }), skip: pg ? false : postgresMissing() ?? 'no PostgreSQL' },
];

/** What runs.ts and jobs.ts use of an App: its state store and workspace. */
const appOf = (state: StateStore) => ({ state, workspaceId: 1 }) as unknown as App;

for (const e of engines) {
  test(`${e.name}: runs are started and finished, another process's running run is failed as interrupted and this process's is not, and the latest run of a file counts`, { skip: e.skip }, async () => {
    const state = await e.open();
    try {
      const app = appOf(state);
      // A run a killed process left: in the store, not of this process.
      await state.run(`insert into import_runs (workspace_id, id, entity, source, status, started_at, summary) values (1, 'stale', 'orders', 'pos', 'running', $at, $s)`, { at: Date.now() - 60_000, s: JSON.stringify({ file: '/x/orders.csv' }) });
      const live = await startRun(app, { entity: 'orders', source: 'pos', file: '/x/orders.csv' });
      const interrupted = await failInterruptedRuns(app);
      assert.deepEqual(interrupted.map((r) => [r.id, r.status, r.summary.file]), [['stale', 'failed', '/x/orders.csv']]);
      assert.deepEqual([(await getRun(app, 'stale'))!.status, (await getRun(app, 'stale'))!.error], ['failed', INTERRUPTED]);
      assert.equal((await getRun(app, live))!.status, 'running', 'a run of this process is live, not interrupted');
      await finishRun(app, live, { status: 'done', summary: { file: '/x/orders.csv', rows: 3, imported: 1, updated: 1, unchanged: 0, rejected: 1, reasons: { 'gross_amount: not an amount': 1 }, invalidIdentifiers: { phone: 2 }, maskedIdentifiers: 1 } });
      const again = await startRun(app, { entity: 'orders', source: 'pos', file: '/x/orders.csv' });
      await finishRun(app, again, { status: 'done', summary: { file: '/x/orders.csv', rows: 3, imported: 0, updated: 0, unchanged: 2, rejected: 1, reasons: { 'gross_amount: not an amount': 1 }, invalidIdentifiers: { phone: 2 }, maskedIdentifiers: 1 } });
      const dry = await startRun(app, { entity: 'orders', source: 'pos', file: '/x/other.csv' });
      await finishRun(app, dry, { status: 'done', summary: { file: '/x/other.csv', rows: 9, imported: 9, rejected: 9, dryRun: true } });
      const bad = await startRun(app, { entity: 'orders', source: null, file: '/x/empty.csv' });
      await finishRun(app, bad, { status: 'failed', error: '/x/empty.csv is empty.' });
      assert.deepEqual((await failInterruptedRuns(app)).length, 0);
      const r = (await getRun(app, live))!;
      assert.deepEqual([r.status, r.rows, r.imported, r.rejected, r.summary.updated, typeof r.finishedAt], ['done', 3, 1, 1, 1, 'number']);
      assert.deepEqual((await recentRuns(app)).map((x) => x.id), [bad, dry, again, live, 'stale']);
      assert.deepEqual((await appliedRuns(app)).map((x) => x.id), [live, again], 'done, not dry runs, oldest first');
      // The file counts once, by its latest run.
      assert.deepEqual(await invalidValues(app), { importRuns: 1, rowsRead: 3, rowsRejected: 1, byReason: { 'gross_amount: not an amount': 1 }, invalidIdentifiers: { phone: 2 }, maskedIdentifiers: 1 });
    } finally {
      await state.close();
    }
  });

  test(`${e.name}: an HTTP import job's status survives in the state store, and one a stopped server left running is failed as interrupted`, { skip: e.skip }, async () => {
    const state = await e.open();
    try {
      const jobs = new ImportJobs(appOf(state));
      const startedAt = new Date().toISOString();
      await jobs.create({ id: 'j1', status: 'running', entity: 'orders', files: ['a.csv', 'b.csv'], rowsDone: 0, startedAt });
      await jobs.progress('j1', 5);
      assert.deepEqual(await jobs.get('j1'), { id: 'j1', status: 'running', entity: 'orders', files: ['a.csv', 'b.csv'], rowsDone: 5, startedAt });
      await jobs.create({ id: 'j2', status: 'running', entity: 'orders', files: ['c.csv'], rowsDone: 0, startedAt });
      await jobs.finish('j2', { summary: { rows: 2, imported: 2 } as never });
      assert.equal(await jobs.failInterrupted(), 1);
      const cut = (await jobs.get('j1'))!;
      assert.deepEqual([cut.status, cut.error?.error, typeof cut.finishedAt], ['failed', 'interrupted', 'string']);
      const done = (await jobs.get('j2'))!;
      assert.deepEqual([done.status, done.rowsDone, done.summary], ['done', 2, { rows: 2, imported: 2 }]);
      assert.equal(await jobs.get('nope'), undefined);
    } finally {
      await state.close();
    }
  });
}
