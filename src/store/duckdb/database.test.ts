import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from './database.ts';

test('one warehouse connection shared by many callers: a transaction rolled back takes only its own writes, never another caller\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-wh-'));
  const db = await Database.open(join(dir, 'w.duckdb'));
  try {
    await db.run('create table t (who varchar)');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async () => {
      await db.run(`insert into t values ('in-tx')`);
      await gate;
      throw new Error('rolled back');
    });
    const outside = db.run(`insert into t values ('outside')`);
    const other = db.transaction(async () => db.run(`insert into t values ('other-tx')`));
    setTimeout(release, 50);
    await assert.rejects(tx, /rolled back/);
    await outside;
    await other;
    assert.deepEqual((await db.all<{ who: string }>('select who from t order by who')).map((r) => r.who), ['other-tx', 'outside']);
    assert.equal(db.inTransaction, false);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
