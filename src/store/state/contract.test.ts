/**
 * The state store's contract: every adapter (SQLite, PostgreSQL) passes the same suite, so the code above it runs on
 * either unchanged. PostgreSQL is a private server the suite starts itself (test/support/postgres.ts); without the
 * server binaries that half is skipped, saying so.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openState } from '../open.ts';
import { isDuplicateKey } from '../errors.ts';
import type { StateStore } from '../interfaces.ts';
import { startPostgres, postgresMissing } from '../../../test/support/postgres.ts';
import { STATE_MIGRATIONS } from './migrations/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'siyu-state-'));
const pg = startPostgres();
after(() => {
  pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engines: { name: string; open: () => Promise<StateStore>; skip?: string | false }[] = [
  { name: 'sqlite', open: () => openState({ file: join(dir, `s${Math.random().toString(36).slice(2)}.db`) }) },
  { name: 'postgres', open: () => openState({ file: '', url: pg!.database() }), skip: pg ? false : postgresMissing() ?? 'no PostgreSQL' },
];

for (const e of engines) {
  const t = (name: string, fn: (s: StateStore) => Promise<void>) =>
    test(`${e.name}: ${name}`, { skip: e.skip || false }, async () => {
      const s = await e.open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  t('the schema is created once: every migration recorded, and opening again applies nothing', async (s) => {
    const versions = (await s.all<{ version: number }>('select version from state_migrations order by version')).map((r) => r.version);
    assert.deepEqual(versions, STATE_MIGRATIONS.map((m) => m.version));
    assert.equal(await s.scalar('select count(*) from workspaces'), 1);
    assert.equal(await s.scalar("select count(*) from retention_policies where workspace_id = 1"), 6);
  });

  t('named parameters: reused, inside quotes left alone, missing ones NULL; flags as 0/1; big instants exact', async (s) => {
    const at = 1796640000123;
    await s.run(`insert into users (username, role, password_hash, disabled, must_change_password, created_at) values ($u, $r, '$notaparam', $d, $m, $at)`,
      { u: 'ana', r: 'analyst', d: true, m: false, at });
    const u = await s.get<{ username: string; password_hash: string; disabled: number; must_change_password: number; created_at: number; staff_code: string | null }>(
      'select username, password_hash, disabled, must_change_password, created_at, staff_code from users where username = $u and (role = $r or $r = $r)', { u: 'ana', r: 'analyst' });
    assert.deepEqual(u, { username: 'ana', password_hash: '$notaparam', disabled: 1, must_change_password: 0, created_at: at, staff_code: null });
    assert.equal(typeof (await s.scalar('select count(*) from users')), 'number');
  });

  t('run returns the rows changed; returning gives generated ids in order', async (s) => {
    const a = await s.get<{ id: number }>(`insert into dsr_requests (workspace_id, customer_id, kind, received_at, due_at) values (1, 7, 'access', 1, 2) returning id`);
    const b = await s.get<{ id: number }>(`insert into dsr_requests (workspace_id, customer_id, kind, received_at, due_at) values (1, 8, 'access', 1, 2) returning id`);
    assert.ok(Number(b!.id) > Number(a!.id));
    assert.equal(await s.run(`update dsr_requests set status = 'done' where workspace_id = 1`), 2);
    assert.equal(await s.run(`update dsr_requests set status = 'done' where customer_id = 999`), 0);
  });

  t('a unique key refuses a second row, recognisably; upsert on conflict updates', async (s) => {
    const ins = () => s.run(`insert into api_keys (id, secret_hash, role, scopes, created_at) values ('k1', 'h', 'analyst', '*', 1)`);
    await ins();
    await assert.rejects(ins(), (err) => isDuplicateKey(err));
    await s.run(`insert into login_attempts (kind, subject, failures, first_failed_at) values ('user', 'x', 1, 5)
      on conflict (kind, subject) do update set failures = login_attempts.failures + excluded.failures`);
    await s.run(`insert into login_attempts (kind, subject, failures, first_failed_at) values ('user', 'x', 1, 5)
      on conflict (kind, subject) do update set failures = login_attempts.failures + excluded.failures`);
    assert.equal(await s.scalar(`select failures from login_attempts where kind = 'user' and subject = 'x'`), 2);
  });

  t('a transaction is all or nothing, and a statement of another caller never lands inside it', async (s) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = s.transaction(async () => {
      await s.run(`insert into tag_definitions (workspace_id, name, kind, created_at, updated_at) values (1, 'in-tx', 'manual', 1, 1)`);
      await gate;
      throw new Error('rolled back');
    });
    const outside = s.run(`insert into tag_definitions (workspace_id, name, kind, created_at, updated_at) values (1, 'outside', 'manual', 1, 1)`);
    setTimeout(release, 50);
    await assert.rejects(tx, /rolled back/);
    await outside;
    const names = (await s.all<{ name: string }>('select name from tag_definitions order by name')).map((r) => r.name);
    assert.deepEqual(names, ['outside']);
  });

  t('nested transactions join the outer one; a committed transaction is visible to the next caller', async (s) => {
    await s.transaction(async () => {
      await s.run(`insert into tag_definitions (workspace_id, name, kind, created_at, updated_at) values (1, 'a', 'manual', 1, 1)`);
      await s.transaction(async () => {
        await s.run(`insert into tag_definitions (workspace_id, name, kind, created_at, updated_at) values (1, 'b', 'manual', 1, 1)`);
      });
    });
    await assert.rejects(s.transaction(async () => {
      await s.run(`insert into tag_definitions (workspace_id, name, kind, created_at, updated_at) values (1, 'c', 'manual', 1, 1)`);
      await s.transaction(async () => { throw new Error('inner'); });
    }), /inner/);
    assert.deepEqual((await s.all<{ name: string }>('select name from tag_definitions order by name')).map((r) => r.name), ['a', 'b']);
  });

  t('many concurrent transactions on one counter: no update lost (read and write under the row lock)', async (s) => {
    const lock = e.name === 'postgres' ? ' for update' : '';
    await Promise.all(Array.from({ length: 40 }, () => s.transaction(async () => {
      const v = await s.scalar(`select value from state_counters where name = 'changes'${lock}`);
      await new Promise((r) => setTimeout(r, 1));
      await s.run(`update state_counters set value = $v where name = 'changes'`, { v: v + 1 });
    })));
    await Promise.all(Array.from({ length: 40 }, () => s.run(`update state_counters set value = value + 1 where name = 'changes'`)));
    assert.equal(await s.scalar(`select value from state_counters where name = 'changes'`), 80);
  });
}
