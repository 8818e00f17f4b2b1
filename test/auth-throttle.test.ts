// Login throttling (harden #5): attempts counted atomically in the state store, per user name and per client
// address, with a lock that grows and survives a restart; unknown names cost the same time as known ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from '../src/server/auth/users.ts';
import { LOGIN_LIMITS } from '../src/server/auth/loginAttempts.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';
import { liveServer, login, removeDir } from './auth.helpers.ts';

const RIGHT = 'Tea-Garden-Lantern-42';

const count = (xs: number[], s: number) => xs.filter((x) => x === s).length;

async function parallelScenario(): Promise<void> {
  let live = await liveServer();
  try {
    await createUser(live.app, { username: 'ana', role: 'analyst', password: RIGHT });
    await createUser(live.app, { username: 'bo', role: 'analyst', password: RIGHT });
    // the reproduction: 40 wrong and the right one, all at once
    const race = await Promise.all([...Array.from({ length: 40 }, () => login(live.base, 'bo', 'wrong-password-1')), login(live.base, 'bo', RIGHT)]);
    const codes = race.map((r) => r.status);
    assert.ok(count(codes, 401) + count(codes, 200) <= LOGIN_LIMITS.user.after, `at most ${LOGIN_LIMITS.user.after} passwords checked, got ${codes.join(',')}`);
    assert.equal(count(codes, 429), 41 - count(codes, 401) - count(codes, 200));

    // 41 wrong at once: exactly five are checked, the rest refused without a check; then the right one is refused too
    const wrong = await Promise.all(Array.from({ length: 41 }, () => login(live.base, 'ana', 'wrong-password-2')));
    assert.deepEqual([count(wrong.map((r) => r.status), 401), count(wrong.map((r) => r.status), 429)], [5, 36]);
    const locked = await login(live.base, 'ana', RIGHT);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error, 'login_locked');
    const wait = Number(locked.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 60, `Retry-After ${wait}`);

    // a restart keeps the lock
    await live.stop();
    live = await liveServer({ dir: live.dir });
    assert.equal((await login(live.base, 'ana', RIGHT)).status, 429, 'still locked after a restart');
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
}

test('41 parallel logins over HTTP: at most five passwords are checked before the lock, and the lock survives a restart (SQLite)', parallelScenario);

test('the same on PostgreSQL', async (t) => {
  const pg = startPostgres();
  if (!pg) return t.skip(postgresMissing() ?? 'no PostgreSQL');
  const before = process.env.SIYU_STATE_URL;
  process.env.SIYU_STATE_URL = pg.database();
  try {
    await parallelScenario();
  } finally {
    if (before === undefined) delete process.env.SIYU_STATE_URL;
    else process.env.SIYU_STATE_URL = before;
    pg.stop();
  }
});

test('one client address trying many names is locked as an address; other addresses are not', async () => {
  const live = await liveServer();
  try {
    await createUser(live.app, { username: 'ana', role: 'analyst', password: RIGHT });
    const tries = await Promise.all(Array.from({ length: LOGIN_LIMITS.ip.after }, (_, i) => login(live.base, `nobody-${i}`, 'guess-123456')));
    assert.deepEqual(tries.map((r) => r.status), Array(LOGIN_LIMITS.ip.after).fill(401));
    assert.equal((await login(live.base, 'ana', RIGHT)).status, 429, 'the address is locked, even for a right password');
    const elsewhere = await live.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.1.2.3', payload: { username: 'ana', password: RIGHT } });
    assert.equal(elsewhere.statusCode, 200, elsewhere.body);
    // IPv6 clients count by their /64
    for (let i = 0; i < LOGIN_LIMITS.ip.after; i++) {
      await live.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `2001:db8:1:2::${(i + 1).toString(16)}`, payload: { username: `x${i}`, password: 'guess-123456' } });
    }
    const sameNet = await live.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '2001:db8:1:2:ffff::9', payload: { username: 'ana', password: RIGHT } });
    assert.equal(sameNet.statusCode, 429);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('the lock grows: 1 minute after five failures, then 2, then 4; a right password afterwards clears it', async () => {
  const live = await liveServer();
  try {
    await createUser(live.app, { username: 'ana', role: 'analyst', password: RIGHT });
    const lockedFor = async () => {
      const until = await live.app.state.scalar(`select locked_until from login_attempts where kind = 'user' and subject = 'ana'`);
      return Math.round((until - Date.now()) / 60_000);
    };
    const unlock = () => live.app.state.run(`update login_attempts set locked_until = $t where kind = 'user' and subject = 'ana'`, { t: Date.now() - 1 });
    for (let i = 0; i < 5; i++) assert.equal((await login(live.base, 'ana', 'nope-nope-1')).status, 401);
    assert.equal(await lockedFor(), 1);
    assert.equal((await login(live.base, 'ana', RIGHT)).status, 429);
    await unlock();                                           // as if the minute had passed
    assert.equal((await login(live.base, 'ana', 'nope-nope-1')).status, 401);
    assert.equal(await lockedFor(), 2);
    await unlock();
    assert.equal((await login(live.base, 'ana', 'nope-nope-1')).status, 401);
    assert.equal(await lockedFor(), 4);
    await unlock();
    assert.equal((await login(live.base, 'ana', RIGHT)).status, 200);
    assert.equal(await live.app.state.scalar(`select count(*) from login_attempts where kind = 'user' and subject = 'ana'`), 0);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});

test('a wrong password for an unknown name takes as long as for a known one (names are not enumerable by timing)', async () => {
  const live = await liveServer();
  try {
    for (let u = 0; u < 4; u++) await createUser(live.app, { username: `known${u}`, role: 'analyst', password: RIGHT });
    let n = 0;
    const timed = async (username: string) => {
      const t0 = process.hrtime.bigint();
      const r = await live.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.9.${Math.floor(n / 200)}.${n++ % 200}`, payload: { username, password: 'wrong-guess-77' } });
      assert.equal(r.statusCode, 401);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 16; i++) {
      known.push(await timed(`known${i % 4}`));
      unknown.push(await timed(`ghost${i}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [k, u] = [median(known), median(unknown)];
    assert.ok(u >= 0.6 * k, `unknown names answer in ${u.toFixed(1)} ms, known in ${k.toFixed(1)} ms`);
  } finally {
    await live.stop();
    removeDir(live.dir);
  }
});
