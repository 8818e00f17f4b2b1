// The report's state — its history rows and the workspace display name — on both state engines: the embedded SQLite
// file and a private PostgreSQL (skipped, saying why, without PostgreSQL's binaries).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { openState } from '../src/store/open.ts';
import type { StateStore } from '../src/store/interfaces.ts';
import { addKeptFile, historyRow, keepReport, keptMeta, listReportHistory } from '../src/report/history.ts';
import { setWorkspaceDisplayName, workspaceDisplayName, workspaceSettings } from '../src/report/workspace.ts';
import { buildReport } from '../src/report/build.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const pg = startPostgres();
let dir: string;
let base: App;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-state-'));
  base = await openApp({ dir });
  await base.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount)
    select 1, 'o' || i, null, timestamp '2026-09-01 10:00' + to_days(i), date '2026-09-01' + to_days(i), 'paid', 10 + i from range(0, 60) t(i)`);
  await base.warehouse.checkpoint();
});
after(async () => {
  await base?.close();
  pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const engines: { name: string; open: () => Promise<StateStore>; skip: string | false }[] = [
  { name: 'sqlite', open: () => openState({ file: join(dir, `state-${Math.random().toString(36).slice(2)}.db`) }), skip: false },
  { name: 'postgres', open: () => openState({ file: '', url: pg!.database() }), skip: pg ? false : postgresMissing() ?? 'no PostgreSQL' },
];

for (const e of engines) {
  test(`${e.name}: history rows are written, replaced and listed; a later PDF is added; the display name is kept`, { skip: e.skip }, async () => {
    const state = await e.open();
    const app: App = { ...base, dir: mkdtempSync(join(dir, `${e.name}-`)), state };
    try {
      const first = await keepReport(app, { from: '2026-09-01', to: '2026-09-30' }, { pdf: false, watermark: 'w1' });
      assert.equal(first.month, '2026-09');
      const again = await keepReport(app, { from: '2026-09-01', to: '2026-09-30' }, { pdf: false, watermark: 'w2' });
      const rows = await listReportHistory(app);
      assert.equal(rows.length, 1, 'replaced, not added');
      assert.equal(rows[0].generated_at, again.generated_at);
      assert.deepEqual(rows[0].files, ['report-zh.html', 'report-zh.md', 'report-en.html', 'report-en.md']);
      assert.equal(keptMeta(app, '2026-09')!.watermark, 'w2');
      const raw = await state.get<{ generated_at: unknown; files: unknown }>(`select generated_at, files from report_history where month = '2026-09'`);
      assert.equal(Number(raw!.generated_at), Date.parse(again.generated_at), 'epoch ms');
      assert.equal(typeof raw!.files, 'string', 'files as JSON text');
      await addKeptFile(app, '2026-09', 'report-zh.pdf', Buffer.from('%PDF-1.4 test'));
      assert.deepEqual((await historyRow(app, '2026-09'))!.files.at(-1), 'report-zh.pdf');

      assert.equal(await workspaceDisplayName(app), null);
      await setWorkspaceDisplayName(app, '  山岚茶事 ');
      assert.equal((await workspaceSettings(app)).display_name, '山岚茶事');
      assert.equal((await buildReport(app)).brand, '山岚茶事');
      await assert.rejects(setWorkspaceDisplayName(app, 'x'.repeat(81)), /at most 80 characters/);
      assert.equal(await workspaceDisplayName(app), '山岚茶事', 'a refused name changes nothing');
    } finally {
      await state.close();
    }
  });
}
