/**
 * The state store's backup form, whatever the engine: a SQLite file with the same schema (state migrations), written
 * from one consistent snapshot of the store, and read back into any engine in one transaction. So a backup taken on
 * PostgreSQL restores on the embedded store and the other way round.
 */
import type { Row, StateStore } from '../interfaces.ts';
import { SqliteState } from '../sqlite/state.ts';
import { migrateState } from './migrate.ts';

const SKIP = new Set(['state_migrations']);
const PAGE = 5_000;
const PER_INSERT = 100;

/** The tables of the state schema (of this engine), in name order. */
export async function stateTables(s: StateStore): Promise<string[]> {
  const rows = s.dialect === 'sqlite'
    ? await s.all<{ t: string }>(`select name as t from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`)
    : await s.all<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`);
  return rows.map((r) => r.t).filter((t) => !SKIP.has(t));
}

/** Writes a consistent copy of `s` to a new SQLite file; returns the rows per table. */
export async function exportState(s: StateStore, file: string): Promise<Record<string, number>> {
  const out = SqliteState.open(file);
  const counts: Record<string, number> = {};
  try {
    await migrateState(out);
    const tables = await stateTables(out);
    await s.snapshot(async () => {
      await out.transaction(async () => {
        for (const t of tables) {
          await out.run(`delete from ${t}`);
          counts[t] = 0;
          for (let offset = 0; ; offset += PAGE) {
            const rows = await s.all(`select * from ${t} order by 1 limit ${PAGE} offset ${offset}`);
            await insertRows(out, t, rows);
            counts[t] += rows.length;
            if (rows.length < PAGE) break;
          }
        }
      });
    });
    await out.seal();
  } finally {
    await out.close();
  }
  return counts;
}

/** Replaces everything in `target` with the backup file's rows, in one transaction; returns the rows per table. */
export async function importState(target: StateStore, file: string): Promise<Record<string, number>> {
  const src = SqliteState.open(file);
  const counts: Record<string, number> = {};
  try {
    await migrateState(src);
    const tables = await stateTables(target);
    await target.transaction(async () => {
      for (const t of tables) await target.run(`delete from ${t}`);
      for (const t of tables) {
        counts[t] = 0;
        for (let offset = 0; ; offset += PAGE) {
          const rows = await src.all(`select * from ${t} order by 1 limit ${PAGE} offset ${offset}`);
          await insertRows(target, t, rows);
          counts[t] += rows.length;
          if (rows.length < PAGE) break;
        }
        if (target.dialect === 'postgres' && (await hasIdentity(target, t))) {
          await target.run(`select setval(pg_get_serial_sequence('${t}', 'id'), coalesce((select max(id) from ${t}), 0) + 1, false)`);
        }
      }
    });
  } finally {
    await src.close();
  }
  return counts;
}

async function insertRows(s: StateStore, table: string, rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  for (let i = 0; i < rows.length; i += PER_INSERT) {
    const params: Record<string, unknown> = {};
    const values = rows.slice(i, i + PER_INSERT).map((r, j) => `(${cols.map((c, k) => {
      params[`v${j}_${k}`] = r[c];
      return `$v${j}_${k}`;
    }).join(', ')})`);
    await s.run(`insert into ${table} (${cols.join(', ')}) values ${values.join(', ')}`, params);
  }
}

async function hasIdentity(s: StateStore, table: string): Promise<boolean> {
  return (await s.scalar(`select count(*) from information_schema.columns where table_schema = current_schema() and table_name = $t and column_name = 'id' and is_identity = 'YES'`, { t: table })) > 0;
}
