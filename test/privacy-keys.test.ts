import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { decrypt, encrypt, keyedHash } from '../src/domain/privacy/cipher.ts';
import { rotateKeys, keyUsage } from '../src/privacy/rotate.ts';
import { seedPeople } from './privacy-fixture.ts';

async function seedMany(app: App, n: number): Promise<void> {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = `member${i}`;
    rows.push(`(1, 'member_no', '${keyedHash(app.keys, 'member_no', v)}', '${encrypt(app.keys, v)}', ${100 + i})`);
  }
  await app.warehouse.run(`insert into customer_identifiers (workspace_id, id_type, id_hash, id_cipher, customer_id) values ${rows.join(',')}`);
}

test('given 3 000 ciphertexts, siyu keys rotate re-encrypts every one under the new key in batches and retires the old key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-keys-'));
  const app = await openApp({ dir });
  try {
    await seedPeople(app);
    await seedMany(app, 3000);
    // a collection source's write key, in the state store
    await app.state.run(`insert into collect_sources (workspace_id, name, write_key_sha256, write_key_cipher, write_key_masked, created_at) values (1, 'web', 'h', $c, 'wk_***', 1)`, { c: encrypt(app.keys, 'wk_secret') });
    const oldKey = app.keys.activeKeyId;
    const before = await app.warehouse.all<{ id_hash: string; id_cipher: string }>('select id_hash, id_cipher from customer_identifiers order by id_hash');
    const plain = before.map((r) => decrypt(app.keys, r.id_cipher));
    assert.deepEqual(await keyUsage(app), { [oldKey]: 3000 + 4 + 4 + 1 });   // + 2 people × (phone, email, name, birthday) + the write key
    let progress = 0;
    const r = await rotateKeys(app, { batch: 500, onProgress: (n) => (progress = n) });
    assert.equal(r.reencrypted, 3009);
    assert.equal(progress, 3009);
    assert.deepEqual(r.retired, [oldKey]);
    assert.deepEqual(await keyUsage(app), { [r.newKey]: 3009 });
    const wk = await app.state.scalar(`select count(*) from collect_sources where write_key_cipher like $p`, { p: `${r.newKey}:%` });
    assert.equal(wk, 1);
    assert.equal(decrypt(app.keys, (await app.state.get<{ c: string }>('select write_key_cipher as c from collect_sources'))!.c), 'wk_secret');
    assert.equal(app.keys.aes.has(oldKey), false);
    const after = await app.warehouse.all<{ id_hash: string; id_cipher: string }>('select id_hash, id_cipher from customer_identifiers order by id_hash');
    assert.deepEqual(after.map((x) => decrypt(app.keys, x.id_cipher)), plain);
    assert.deepEqual(after.map((x) => x.id_hash), before.map((x) => x.id_hash));
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'admin.keys.rotate'`), 1);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
test('rotation forwarded through a running server: the server keeps answering, and then encrypts under the new key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-keys-'));
  const env = { ...process.env, SIYU_DATA_DIR: dir };
  let app = await openApp({ dir });
  await seedMany(app, 2000);
  app.close();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
  try {
    let up = false;
    for (let i = 0; i < 240 && !up; i++) {
      await new Promise((r) => setTimeout(r, 250));
      up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    }
    assert.ok(up, 'server did not start');
    const rotation = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, 'keys', 'rotate', '--batch', '200', '--json'], { env });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
    let answered = 0;
    let done = false;
    void rotation.then(() => (done = true));
    while (!done) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
      assert.ok(ok, 'server stopped answering during rotation');
      answered++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await rotation;
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.reencrypted, 2000);
    assert.ok(answered > 0);
    assert.equal(out.retired.length, 1);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  app = await openApp({ dir });
  try {
    const c = await app.warehouse.get<{ id_cipher: string }>('select id_cipher from customer_identifiers limit 1');
    assert.match(decrypt(app.keys, c!.id_cipher), /^member\d+$/);
    assert.deepEqual(Object.keys(await keyUsage(app)), [app.keys.activeKeyId]);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
