/**
 * A store made before the state store existed (everything in DuckDB) is moved, once, at open: each table that now
 * lives in the state store is copied there in one state transaction, and the legacy DuckDB table is dropped after.
 * A crash in between repeats the copy (the state transaction rolled back) or only the drop.
 */
import type { App } from './context.ts';
import { nextChanges } from '../store/sync.ts';

const DONE = 'legacy_warehouse_moved';

export async function moveLegacyState(app: App): Promise<void> {
  if (await app.state.scalar(`select count(*) from state_counters where name = $n`, { n: DONE })) return;
  await app.state.transaction(async () => {
    await moveConsents(app);
    await app.state.run(`insert into state_counters (name, value) values ($n, $v)`, { n: DONE, v: Date.now() });
  });
}

async function moveConsents(app: App): Promise<void> {
  const rows = await app.warehouse.all<{ workspace_id: number; id: number; subject_id: number; purpose: string; status: string; changed_ms: number; source: string | null; evidence: string | null; policy_version: string | null }>(
    `select workspace_id, id, subject_id, purpose, status, epoch_ms(changed_at) as changed_ms, source, evidence, policy_version from consents order by id`,
  );
  if (!rows.length) return;
  const last = await nextChanges(app.state, rows.length);
  let seq = last - rows.length;
  for (const r of rows) {
    await app.state.run(
      `insert into consents (id, workspace_id, subject_id, purpose, status, changed_at, source, evidence, policy_version, recorded_at, origin, change_seq)
       values ($id, $ws, $s, $p, $st, $at, $src, $ev, $pv, $at, $origin, $seq)`,
      { id: r.id, ws: r.workspace_id, s: r.subject_id, p: r.purpose, st: r.status, at: r.changed_ms, src: r.source, ev: r.evidence, pv: r.policy_version, origin: `legacy:${r.id}`, seq: ++seq },
    );
  }
  if (app.state.dialect === 'postgres') await app.state.run(`select setval(pg_get_serial_sequence('consents', 'id'), (select max(id) from consents))`);
  // the warehouse already holds these rows: its copy starts past them
  await app.warehouse.run(`delete from sync_watermarks where name = 'consents'`);
  await app.warehouse.run(`insert into sync_watermarks (name, value) values ('consents', $v)`, { v: last });
  await app.warehouse.run(`update consents set evidence = null`);
}
