/**
 * `siyu backup DIR` while the server runs, and `siyu restore DIR` into another data directory: both stores come
 * back as they were at the backup (counts, consents, users, the audit chain), the keyring is not in the backup and
 * must be the same, a damaged backup restores nothing, and an existing store is replaced only with --force.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const siyu = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
const ok = (dir: string, ...args: string[]) => {
  const r = siyu(dir, ...args);
  assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

test('a backup taken while the server runs restores both stores into another data directory; the keyring stays apart', async () => {
  const root = mkdtempSync(join(tmpdir(), 'siyu-backup-'));
  const a = join(root, 'a');
  const b = join(root, 'b');
  const bk = join(root, 'bk');
  try {
    writeFileSync(join(root, 'c.csv'), 'member_no,phone,name,city\nM1,13900000001,王一,杭州市\nM2,13900000002,李二,南京市\n');
    writeFileSync(join(root, 'o.csv'), 'order_id,member_no,ordered_at,gross_amount\nO1,M1,2024-03-01 10:00,120\nO2,M2,2024-03-02 10:00,80\n');
    ok(a, 'import', 'customers', join(root, 'c.csv'));
    ok(a, 'import', 'orders', join(root, 'o.csv'));
    ok(a, 'consent', 'grant', '--customer', '1', '--purpose', 'marketing_sms', '--source', 'store');
    const ana = JSON.parse(ok(a, 'users', 'add', 'ana', '--role', 'analyst', '--json'));
    const port = 21000 + Math.floor(Math.random() * 20000);
    const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: a }, stdio: 'ignore' });
    try {
      for (let i = 0; i < 240; i++) {
        if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const out = JSON.parse(ok(a, 'backup', bk, '--json'));
      assert.match(out.note, /keyring/);
      assert.deepEqual(out.warehouse, { customers: 2, orders: 2, events: 0 });
      // written after the backup: not in it
      ok(a, 'consent', 'withdraw', '--customer', '1', '--purpose', 'marketing_sms');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.on('exit', r));
    }
    assert.ok(!existsSync(join(bk, 'keyring.json')), 'the keyring is never in the backup');
    assert.ok(readdirSync(bk).includes('manifest.json'));
    // restoring needs the keyring the backup was made with
    const noKey = siyu(b, 'restore', bk);
    assert.equal(noKey.status, 1);
    assert.match(noKey.stderr, /keyring/);
    cpSync(join(a, 'keyring.json'), join(b, 'keyring.json'));
    ok(b, 'restore', bk);
    assert.deepEqual(JSON.parse(ok(b, 'stats', '--json')), { customers: 2, orders: 2, events: 0, gmv: 200 });
    const c1 = JSON.parse(ok(b, 'consent', 'show', '--customer', '1', '--json'));
    assert.deepEqual(c1.history.map((h: { status: string }) => h.status), ['granted'], 'the store as it was at the backup');
    assert.equal(c1.current.marketing_sms.allowed, true);
    const users = JSON.parse(ok(b, 'users', 'list', '--json'));
    assert.ok(users.some((u: { username: string }) => u.username === ana.username));
    assert.equal(JSON.parse(ok(b, 'audit', 'verify', '--json')).ok, true);
    // an existing store is replaced only with --force, and moved aside rather than deleted
    const again = siyu(b, 'restore', bk);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /--force/);
    ok(b, 'restore', bk, '--force');
    assert.ok(readdirSync(b).some((f) => f.startsWith('replaced-')));
    // a damaged backup restores nothing
    appendFileSync(join(bk, 'siyu-state.db'), 'x');
    const damaged = siyu(b, 'restore', bk, '--force');
    assert.equal(damaged.status, 1);
    assert.match(damaged.stderr, /does not match its manifest/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a backup of a state store on PostgreSQL restores onto the embedded one, and back onto PostgreSQL', { skip: postgresMissing() ?? false }, async () => {
  const pg = startPostgres()!;
  const root = mkdtempSync(join(tmpdir(), 'siyu-backup-pg-'));
  try {
    const onPg = (url: string) => (dir: string, ...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, SIYU_STATE_URL: url }, encoding: 'utf8' });
      assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const first = onPg(pg.database());
    const a = join(root, 'a');
    writeFileSync(join(root, 'c.csv'), 'member_no,phone\nM1,13900000001\nM2,13900000002\nM3,13900000003\n');
    first(a, 'import', 'customers', join(root, 'c.csv'));
    first(a, 'consent', 'grant', '--customer', '2', '--purpose', 'marketing_email');
    first(a, 'backup', join(root, 'bk'));
    const b = join(root, 'b');
    cpSync(join(a, 'keyring.json'), join(b, 'keyring.json'));
    ok(b, 'restore', join(root, 'bk'));
    assert.equal(JSON.parse(ok(b, 'consent', 'show', '--customer', '2', '--json')).current.marketing_email.allowed, true);
    assert.equal(JSON.parse(ok(b, 'audit', 'verify', '--json')).ok, true);
    // and onto another PostgreSQL database, whose identity columns continue after the restored rows
    const c = join(root, 'c');
    cpSync(join(a, 'keyring.json'), join(c, 'keyring.json'));
    const second = onPg(pg.database());
    second(c, 'restore', join(root, 'bk'));
    second(c, 'consent', 'grant', '--customer', '3', '--purpose', 'marketing_sms');
    const h = JSON.parse(second(c, 'consent', 'show', '--customer', '3', '--json')).history;
    assert.equal(h.length, 1);
    assert.equal(JSON.parse(second(c, 'consent', 'show', '--customer', '2', '--json')).history.length, 1);
  } finally {
    pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
