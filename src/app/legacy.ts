/**
 * A store made before the state store existed (everything in DuckDB) is moved at open, table by table, once: each
 * table that now lives in the state store is copied there in one state transaction together with its marker
 * (`state_counters` row `legacy:<table>`). A crash in between repeats that table's copy (its transaction rolled back).
 * Column values are converted as the state schema keeps them: instants to epoch milliseconds, flags to 0/1, JSON
 * and dates to text. The warehouse's own table is left as it was (read by nothing once moved).
 */
import type { App } from './context.ts';
import { nextChanges } from '../store/sync.ts';
import { moveLegacyPrivacy } from '../privacy/legacyMove.ts';

interface Legacy {
  table: string;
  /** A table-specific copy; the default copies the columns both schemas have. */
  copy?: (app: App) => Promise<void>;
}

/** Tables moved to the state store, in the order they are copied. */
const MOVED: Legacy[] = [
  { table: 'consents', copy: moveConsents },
  { table: 'model_cards' },
  { table: 'identity_settings' },
  { table: 'report_history' },
  { table: 'users' },
  { table: 'sessions' },
  { table: 'api_keys' },
  { table: 'import_runs' },
  { table: 'import_jobs' },
];

export async function moveLegacyState(app: App): Promise<void> {
  await moveLegacyPrivacy(app);   // the audit log, the request register, the retention policies: once, by its own marker
  for (const t of MOVED) {
    const marker = `legacy:${t.table}`;
    if (await app.state.scalar(`select count(*) from state_counters where name = $n`, { n: marker })) continue;
    await app.state.transaction(async () => {
      if (await app.state.scalar(`select count(*) from state_counters where name = $n`, { n: marker })) return;
      const exists = await app.warehouse.scalar(`select count(*) from duckdb_tables() where not temporary and table_name = $t`, { t: t.table });
      if (exists) await (t.copy ?? ((a) => copyColumns(a, t.table)))(app);
      await app.state.run(`insert into state_counters (name, value) values ($n, $v)`, { n: marker, v: Date.now() });
    });
  }
}

/** Copies the rows of a warehouse table into the state table of the same name, by the columns both have. */
async function copyColumns(app: App, table: string): Promise<void> {
  const stateCols = new Set(await stateColumns(app, table));
  const cols = (await app.warehouse.all<{ name: string; type: string }>(
    `select column_name as name, data_type as type from information_schema.columns where table_name = $t and table_schema = 'main' order by ordinal_position`, { t: table },
  )).filter((c) => stateCols.has(c.name));
  if (!cols.length) return;
  const select = cols.map((c) => `${convert(c.name, c.type)} as "${c.name}"`).join(', ');
  const rows = await app.warehouse.all(`select ${select} from "${table}"`);
  for (const r of rows) {
    const names = cols.map((c) => c.name);
    await app.state.run(
      `insert into ${table} (${names.join(', ')}) values (${names.map((_, i) => `$c${i}`).join(', ')}) on conflict do nothing`,
      Object.fromEntries(names.map((n, i) => [`c${i}`, r[n]])),
    );
  }
}

/** A warehouse column as the state schema keeps it. */
function convert(name: string, type: string): string {
  const c = `"${name}"`;
  if (/^TIMESTAMP/i.test(type)) return `epoch_ms(${c}::timestamp)`;
  if (/^BOOL/i.test(type)) return `${c}::integer`;
  if (/^(JSON|DATE)$/i.test(type)) return `${c}::varchar`;
  return c;
}

async function stateColumns(app: App, table: string): Promise<string[]> {
  if (app.state.dialect === 'sqlite') return (await app.state.all<{ name: string }>(`select name from pragma_table_info($t)`, { t: table })).map((r) => r.name);
  return (await app.state.all<{ name: string }>(`select column_name as name from information_schema.columns where table_name = $t and table_schema = current_schema()`, { t: table })).map((r) => r.name);
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
  // the warehouse already holds these rows: its copy starts past them, without their free text
  await app.warehouse.run(`delete from sync_watermarks where name = 'consents'`);
  await app.warehouse.run(`insert into sync_watermarks (name, value) values ('consents', $v)`, { v: last });
  await app.warehouse.run(`update consents set evidence = null where evidence is not null`);
}
