import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldByLiveProcess, setAsideUnreplayedLog } from './recovery.ts';
import { Database } from './database.ts';

test('a live process holding the store is seen in /proc/locks; its log is never set aside', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-rec-'));
  try {
    const file = join(dir, 'w.duckdb');
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
      import { Database } from ${JSON.stringify(new URL('./database.ts', import.meta.url).pathname)};
      const db = await Database.open(${JSON.stringify(file)});
      await db.run('create table t (x integer)'); await db.run('insert into t values (1)');
      process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => child.stdout.on('data', (b) => String(b).includes('ready') && res()));
    assert.equal(heldByLiveProcess(file), true);
    assert.ok(existsSync(`${file}.wal`), 'the uncheckpointed insert is in the log');
    assert.equal(setAsideUnreplayedLog(file), null, 'a log another live process writes is left alone');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    assert.equal(heldByLiveProcess(file), false);
    const r = setAsideUnreplayedLog(file);
    assert.ok(r && r.bytes > 0 && !existsSync(`${file}.wal`), 'the dead process\'s log is set aside');
    // the store opens at its last checkpoint: the table never checkpointed is not there, and nothing fails
    const db = await Database.open(file);
    assert.equal(await db.scalar(`select count(*) from duckdb_tables() where table_name = 't'`), 0);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty or missing log is not an unclean shutdown; only the newest set-aside logs are kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-rec-'));
  try {
    const file = join(dir, 'w.duckdb');
    const db = await Database.open(file);
    await db.run('create table t (x integer)');
    db.close();
    assert.equal(setAsideUnreplayedLog(file), null);
    writeFileSync(`${file}.wal`, '');
    assert.equal(setAsideUnreplayedLog(file), null);
    for (let i = 0; i < 4; i++) {
      writeFileSync(`${file}.wal`, 'x'.repeat(10));
      assert.ok(setAsideUnreplayedLog(file, new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
    }
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('unclean')).sort(), ['w.duckdb.wal.unclean-2026-01-01T00-00-02-000Z', 'w.duckdb.wal.unclean-2026-01-01T00-00-03-000Z']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
