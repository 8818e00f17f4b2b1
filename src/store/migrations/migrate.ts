import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { Warehouse } from '../interfaces.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The migrations beside this file, `NNN_name.sql`, in version order. */
export function migrations(): { version: number; name: string; sql: string }[] {
  return readdirSync(here)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(here, f), 'utf8') }));
}

/** Applies each migration not yet recorded, each in its own transaction. Returns the versions applied. */
export async function migrate(db: Warehouse): Promise<number[]> {
  await db.run(`create table if not exists schema_migrations (version integer primary key, name varchar, applied_at timestamp default current_timestamp)`);
  const done = new Set((await db.all<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations()) {
    if (done.has(m.version)) continue;
    await db.transaction(async () => {
      for (const stmt of splitSql(m.sql)) await db.run(stmt);
      await db.run('insert into schema_migrations (version, name) values ($v, $n)', { v: m.version, n: m.name });
    });
    applied.push(m.version);
  }
  return applied;
}

/** Splits a migration file into statements on `;` at line ends (no procedural SQL in migrations). */
export function splitSql(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
