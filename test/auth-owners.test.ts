// harden #12: only owners manage owners; an API key dies with its maker's access. Also: users, sessions and keys
// live in the state store (store issue), through the API and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createUser, updateUser, createApiKey } from '../src/server/auth/users.ts';
import { liveServer, login, call, bearer, removeDir } from './auth.helpers.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openApp } from '../src/app/context.ts';

const PW = 'Osmanthus-Bridge-Rain-8';
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

async function session(base: string, username: string): Promise<Record<string, string>> {
  const r = await login(base, username, PW);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return bearer(r.body.token);
}

test('an admin cannot create, disable, demote, re-password an owner, nor make or revoke owner keys; an owner can', async () => {
  const live = await liveServer();
  try {
    const { app, base } = live;
    await createUser(app, { username: 'boss', role: 'owner', password: PW });
    await createUser(app, { username: 'boss2', role: 'owner', password: PW });
    await createUser(app, { username: 'ada', role: 'admin', password: PW });
    await createUser(app, { username: 'ana', role: 'analyst', password: PW });
    const admin = await session(base, 'ada');
    const owner = await session(base, 'boss');
    const ownerKey = await createApiKey({ ...app, actor: 'user:boss' }, { name: 'owner-tool', role: 'owner' });
    const refused = [
      await call(base, 'PATCH', '/api/v1/users/boss2', { headers: admin, body: { disabled: true } }),
      await call(base, 'PATCH', '/api/v1/users/boss2', { headers: admin, body: { role: 'admin' } }),
      await call(base, 'PATCH', '/api/v1/users/ana', { headers: admin, body: { role: 'owner' } }),
      await call(base, 'POST', '/api/v1/users', { headers: admin, body: { username: 'boss3', role: 'owner' } }),
      await call(base, 'POST', '/api/v1/users/boss2/password', { headers: admin }),
      await call(base, 'POST', '/api/v1/api-keys', { headers: admin, body: { name: 'x', role: 'owner' } }),
      await call(base, 'DELETE', `/api/v1/api-keys/${ownerKey.id}`, { headers: admin }),
    ];
    assert.deepEqual(refused.map((r) => [r.status, r.body.error]), Array(refused.length).fill([403, 'owner_only']));
    // nothing changed
    const users = (await call(base, 'GET', '/api/v1/users', { headers: owner })).body as { username: string; role: string; disabled: boolean }[];
    assert.deepEqual(users.filter((u) => u.username.startsWith('boss')).map((u) => [u.username, u.role, u.disabled]), [['boss', 'owner', false], ['boss2', 'owner', false]]);
    assert.equal((await login(base, 'boss2', PW)).status, 200, 'the owner\'s password was not reset');
    assert.equal((await call(base, 'GET', '/api/v1/auth/me', { headers: bearer(ownerKey.key) })).status, 200);
    // admins still manage everyone else
    assert.equal((await call(base, 'PATCH', '/api/v1/users/ana', { headers: admin, body: { role: 'marketer' } })).status, 200);
    const reset = await call(base, 'POST', '/api/v1/users/ana/password', { headers: admin });
    assert.equal(reset.status, 200);
    assert.equal(reset.headers.get('cache-control'), 'no-store');
    assert.equal((await login(base, 'ana', reset.body.password)).body.must_change_password, true);
    // an owner manages owners
    assert.equal((await call(base, 'PATCH', '/api/v1/users/boss2', { headers: owner, body: { role: 'admin' } })).status, 200);
    assert.equal((await call(base, 'POST', '/api/v1/users', { headers: owner, body: { username: 'boss3', role: 'owner' } })).status, 201);
    assert.equal((await call(base, 'DELETE', `/api/v1/api-keys/${ownerKey.id}`, { headers: owner })).status, 200);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('a key dies with its maker\'s access: disabled or demoted maker → key refused; a key made by that key too; a CLI key lives on', async () => {
  const live = await liveServer();
  try {
    const { app, base } = live;
    await createUser(app, { username: 'ada', role: 'admin', password: PW });
    const admin = await session(base, 'ada');
    const made = await call(base, 'POST', '/api/v1/api-keys', { headers: admin, body: { name: 'bi', role: 'analyst' } });
    assert.equal(made.status, 201);
    const key = bearer(made.body.key);
    const child = await call(base, 'POST', '/api/v1/api-keys', { headers: key, body: { name: 'bi-child', role: 'analyst', scopes: ['stats:read'] } });
    assert.equal(child.status, 403, 'an analyst key may not make keys');
    const adminKey = await call(base, 'POST', '/api/v1/api-keys', { headers: admin, body: { name: 'ops', role: 'admin' } });
    const grandchild = await call(base, 'POST', '/api/v1/api-keys', { headers: bearer(adminKey.body.key), body: { name: 'ops-child', role: 'analyst', scopes: ['stats:read'] } });
    assert.equal(grandchild.status, 201);
    const cliKey = await createApiKey({ ...app, actor: 'cli' }, { name: 'workspace', role: 'analyst' });
    const works = async (k: string) => (await call(base, 'GET', '/api/v1/stats', { headers: bearer(k) })).status;
    assert.deepEqual([await works(made.body.key), await works(grandchild.body.key), await works(cliKey.key)], [200, 200, 200]);

    await updateUser(app, 'ada', { disabled: true });
    assert.deepEqual([await works(made.body.key), await works(grandchild.body.key), await works(cliKey.key)], [401, 401, 200]);
    await updateUser(app, 'ada', { disabled: false });
    assert.deepEqual([await works(made.body.key), await works(grandchild.body.key)], [200, 200]);
    // demoted to marketer, who lacks an analyst's rights (models:write …): the analyst keys go; the ops key too
    await updateUser(app, 'ada', { role: 'marketer' });
    assert.deepEqual([await works(made.body.key), await works(grandchild.body.key), await works(adminKey.body.key), await works(cliKey.key)], [401, 401, 401, 200]);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('users, sessions and keys live in the state store: the CLI writes there, the server reads there, the warehouse tables stay empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-auth-'));
  const siyu = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  try {
    const added = JSON.parse(siyu('users', 'add', 'ana', '--role', 'analyst', '--json'));
    const key = JSON.parse(siyu('users', 'api-key', 'create', 'bi', '--role', 'analyst', '--expires-days', '30', '--json'));
    const listed = JSON.parse(siyu('users', 'list', '--json'));
    assert.deepEqual(listed.map((u: { username: string; role: string; must_change_password: boolean }) => [u.username, u.role, u.must_change_password]), [['ana', 'analyst', true]]);
    assert.match(listed[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const live = await liveServer({ dir });
    try {
      const s = await login(live.base, 'ana', added.password);
      assert.equal(s.status, 200);
      assert.equal((await call(live.base, 'GET', '/api/v1/auth/me', { headers: bearer(s.body.token) })).body.id, 'ana');
      assert.equal((await call(live.base, 'GET', '/api/v1/stats', { headers: bearer(key.key) })).status, 200);
      assert.equal(await live.app.state.scalar('select count(*) from sessions'), 1);
      for (const t of ['users', 'sessions', 'api_keys']) assert.equal(await live.app.warehouse.scalar(`select count(*) from ${t}`), 0, `warehouse ${t}`);
    } finally {
      await live.stop();
    }
    siyu('users', 'api-key', 'revoke', key.id);
    siyu('users', 'disable', 'ana');
    const app = await openApp({ dir });
    try {
      assert.equal(await app.state.scalar(`select count(*) from api_keys where revoked_at is not null`), 1);
      assert.equal(await app.state.scalar(`select count(*) from users where username = 'ana' and disabled = 1`), 1);
      assert.equal(await app.state.scalar('select count(*) from sessions'), 0, 'disabling ends the sessions');
    } finally {
      await app.close();
    }
  } finally {
    removeDir(dir);
  }
});
