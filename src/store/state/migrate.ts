import type { StateStore } from '../interfaces.ts';
import { STATE_MIGRATIONS, stateTypes, type StateMigration } from './migrations/index.ts';

/** A state store that can also run a text of several statements (DDL). */
export interface StateEngine extends StateStore {
  exec(sql: string): Promise<void>;
}

/**
 * Brings the state schema up to date: one query when it is (the highest version recorded), else each missing
 * migration in its own transaction with its record. On PostgreSQL an advisory lock makes nodes starting together
 * apply each migration once.
 */
export async function migrateState(s: StateEngine, all: StateMigration[] = STATE_MIGRATIONS): Promise<number[]> {
  const latest = Math.max(...all.map((m) => m.version));
  const have = await currentVersion(s);
  if (have >= latest) return [];
  const t = stateTypes(s.dialect);
  const applied: number[] = [];
  for (const m of all) {
    if (m.version <= have) continue;
    await s.transaction(async () => {
      if (s.dialect === 'postgres') await s.run('select pg_advisory_xact_lock(7310210)');
      if (await s.scalar('select count(*) from state_migrations where version = $v', { v: m.version })) return;
      await s.exec(m.sql(t));
      await s.run('insert into state_migrations (version, name, applied_at) values ($v, $n, $at)', { v: m.version, n: m.name, at: Date.now() });
      applied.push(m.version);
    });
  }
  return applied;
}

async function currentVersion(s: StateEngine): Promise<number> {
  try {
    return await s.scalar('select coalesce(max(version), 0) from state_migrations');
  } catch {
    await s.exec('create table if not exists state_migrations (version integer primary key, name text not null, applied_at bigint not null)');
    return 0;
  }
}
