/**
 * The crash matrix (issue 16): each write path is killed with SIGKILL at several seeded moments (SIYU_CRASH_SEED),
 * the store is reopened, and what must hold of any store is checked (test/support/crash.ts: it opens, the audit chain
 * verifies, every unique key is found by a lookup as a scan finds it, identity and the consent copy are consistent),
 * with each path's own promise: all or nothing, nothing twice, and a re-run that completes cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { createUser } from '../src/server/auth/users.ts';
import { assertStoreSound, CRASH_SEED, killAfter, seeded, siyuChild, siyuOk, timed } from './support/crash.ts';

const MOMENTS = 3;
const rng = seeded(CRASH_SEED);
/** Kill moments across a run's window (ms), one in each third, so early, middle and late moments are all tried. */
const moments = (window: number) => Array.from({ length: MOMENTS }, (_, i) => Math.round(window * ((i + rng()) / MOMENTS)));

function scratch(): { root: string; dir: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'siyu-crashm-'));
  return { root, dir: join(root, 'store'), done: () => rmSync(root, { recursive: true, force: true }) };
}

async function warehouse<T>(dir: string, fn: (app: Awaited<ReturnType<typeof openApp>>) => Promise<T>): Promise<T> {
  const app = await openApp({ dir, notice: () => undefined });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

test(`crash matrix (seed ${CRASH_SEED}): the first start and its migrations`, async () => {
  for (const ms of [150, ...moments(2500)]) {
    const s = scratch();
    try {
      const port = String(22000 + Math.floor(rng() * 20000));
      const run = siyuChild(s.dir, ['serve', '--port', port]);
      await new Promise((r) => setTimeout(r, ms));
      run.child.kill('SIGKILL');
      await run.exited;
      await assertStoreSound(s.dir, `serve killed at ${ms} ms of its first start`);
      const again = siyuChild(s.dir, ['serve', '--port', port]);
      let up = false;
      for (let i = 0; i < 240 && !up; i++) {
        up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
        if (!up) await new Promise((r) => setTimeout(r, 250));
      }
      again.child.kill('SIGTERM');
      await again.exited;
      assert.ok(up, `after a kill at ${ms} ms the server never answers /healthz again`);
    } finally {
      s.done();
    }
  }
});

test(`crash matrix (seed ${CRASH_SEED}): an import is wholly there or wholly absent, and re-runs cleanly`, async () => {
  const s = scratch();
  try {
    const n = 60_000;
    const lines = ['order_id,member_no,phone,ordered_at,gross_amount'];
    for (let i = 0; i < n; i++) lines.push(`K${i},M${i % 9000},${i % 3 ? '' : `139${String(i % 9000).padStart(8, '0')}`},2025-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 1}.50`);
    const file = join(s.root, 'orders.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    writeFileSync(join(s.root, 'one.csv'), 'order_id,member_no,ordered_at,gross_amount\nA1,M1,2025-01-01 10:00:00,1\n');
    siyuOk(s.dir, ['import', 'orders', join(s.root, 'one.csv')]);
    // the window: a full run on a copy of the store
    const probe = scratch();
    siyuOk(probe.dir, ['import', 'orders', join(s.root, 'one.csv')]);
    const window = await timed(probe.dir, ['import', 'orders', file]);
    probe.done();
    let killed = 0;
    for (const ms of moments(window)) {
      if (await killAfter(s.dir, ['import', 'orders', file], ms)) killed++;
      await assertStoreSound(s.dir, `import killed at ${ms} of ${window} ms`);
      const orders = await warehouse(s.dir, (a) => a.warehouse.scalar(`select count(*) from orders where order_id like 'K%'`));
      assert.ok(orders === 0 || orders === n, `after a kill at ${ms} ms: ${orders} orders, expected none or all ${n}`);
    }
    assert.ok(killed > 0, 'no import was killed before it finished');
    const first = JSON.parse(siyuOk(s.dir, ['import', 'orders', file, '--json']));
    const again = JSON.parse(siyuOk(s.dir, ['import', 'orders', file, '--json']));
    assert.equal(again.imported, 0, 'a second run changes nothing');
    assert.equal(await warehouse(s.dir, (a) => a.warehouse.scalar(`select count(*) from orders where order_id like 'K%'`)), n);
    assert.ok(first.imported + first.unchanged === n);
    await assertStoreSound(s.dir, 'after the re-runs');
  } finally {
    s.done();
  }
});

test(`crash matrix (seed ${CRASH_SEED}): an identity merge and its unmerge are all or nothing`, async () => {
  const s = scratch();
  try {
    const people = 3000;
    const c = ['member_no,phone'];
    const p = ['member_no,phone'];
    const o = ['order_id,phone,ordered_at,gross_amount'];
    const k = ['phone,purpose,status,changed_at'];
    for (let i = 0; i < people; i++) {
      c.push(`M${i},`, `,138${String(i).padStart(8, '0')}`);
      p.push(`M${i},138${String(i).padStart(8, '0')}`);
      o.push(`P${i},138${String(i).padStart(8, '0')},2025-03-01 10:00,${10 + (i % 90)}`);
      k.push(`138${String(i).padStart(8, '0')},marketing_sms,${i % 2 ? 'granted' : 'withdrawn'},2025-02-01 10:00`);
    }
    for (const [name, rows] of Object.entries({ c, p, o, k })) writeFileSync(join(s.root, `${name}.csv`), rows.join('\n') + '\n');
    siyuOk(s.dir, ['import', 'customers', join(s.root, 'c.csv')]);
    siyuOk(s.dir, ['import', 'orders', join(s.root, 'o.csv')]);
    siyuOk(s.dir, ['import', 'consents', join(s.root, 'k.csv')]);
    const merged = async () => warehouse(s.dir, async (a) => ({
      merges: await a.warehouse.scalar(`select count(*) from identity_merges where unmerged_at is null`),
      ordersOnMerged: await a.warehouse.scalar(`select count(*) from orders o join customers c on c.id = o.customer_id where c.status = 'merged'`),
      active: await a.warehouse.scalar(`select count(*) from customers where status = 'active'`),
    }));
    // merging: the linking import, killed at several moments, leaves all people merged or none
    const window = await timed(join(s.root, 'probe'), ['stats']) + 2500;
    for (const ms of moments(window)) {
      await killAfter(s.dir, ['import', 'customers', join(s.root, 'p.csv')], ms);
      await assertStoreSound(s.dir, `merging import killed at ${ms} ms`);
      const m = await merged();
      assert.equal(m.ordersOnMerged, 0, 'no order left on a merged customer');
      assert.ok((m.merges === 0 && m.active === 2 * people) || (m.merges === people && m.active === people), `after a kill at ${ms} ms: ${JSON.stringify(m)}`);
    }
    siyuOk(s.dir, ['import', 'customers', join(s.root, 'p.csv')]);
    assert.deepEqual(await merged(), { merges: people, ordersOnMerged: 0, active: people });
    // unmerging one merge, killed at several moments: undone wholly or not at all
    for (const ms of moments(1800)) {
      await killAfter(s.dir, ['identity', 'unmerge', '1'], ms);
      await assertStoreSound(s.dir, `unmerge killed at ${ms} ms`);
      const m = await merged();
      assert.ok(m.merges === people || m.merges === people - 1, `after a kill at ${ms} ms: ${JSON.stringify(m)}`);
      if (m.merges === people - 1) break;
    }
    const left = await merged();
    if (left.merges === people) siyuOk(s.dir, ['identity', 'unmerge', '1']);
    assert.equal((await merged()).merges, people - 1);
  } finally {
    s.done();
  }
});

test(`crash matrix (seed ${CRASH_SEED}): a DSR erasure erases the person wholly or not at all, and a re-run completes`, async () => {
  const s = scratch();
  try {
    writeFileSync(join(s.root, 'c.csv'), 'member_no,phone,name\nM1,13900000001,王一\nM2,13900000002,李二\n');
    writeFileSync(join(s.root, 'o.csv'), 'order_id,member_no,ordered_at,gross_amount\nO1,M1,2024-03-01 10:00,120\nO2,M2,2024-03-02 10:00,80\n');
    siyuOk(s.dir, ['import', 'customers', join(s.root, 'c.csv')]);
    siyuOk(s.dir, ['import', 'orders', join(s.root, 'o.csv')]);
    siyuOk(s.dir, ['consent', 'grant', '--customer', '1', '--purpose', 'marketing_sms']);
    const person = () => warehouse(s.dir, async (a) => ({
      customer: await a.warehouse.scalar(`select count(*) from customers where id = 1`),
      identifiers: await a.warehouse.scalar(`select count(*) from customer_identifiers where customer_id = 1`),
      ledger: await a.state.scalar(`select count(*) from consents where subject_id = 1`),
      gmv: await a.warehouse.scalar(`select sum(gross_amount) from orders`),
    }));
    let erased = false;
    for (const ms of moments(2500)) {
      await killAfter(s.dir, ['dsr', 'erase', '--customer', '1'], ms);
      await assertStoreSound(s.dir, `erasure killed at ${ms} ms`);
      const p = await person();
      assert.equal(p.gmv, 200, 'totals never change');
      assert.ok(p.customer === 1 ? p.identifiers === 2 : p.identifiers === 0, `after a kill at ${ms} ms the person is half erased: ${JSON.stringify(p)}`);
      if (p.customer === 0) { erased = true; break; }
    }
    if (!erased) siyuOk(s.dir, ['dsr', 'erase', '--customer', '1']);
    assert.deepEqual(await person(), { customer: 0, identifiers: 0, ledger: 0, gmv: 200 });
  } finally {
    s.done();
  }
});

test(`crash matrix (seed ${CRASH_SEED}): a key rotation killed midway leaves every ciphertext readable, and completes when re-run`, async () => {
  const s = scratch();
  try {
    const c = ['member_no,phone,email,name'];
    for (let i = 0; i < 4000; i++) c.push(`M${i},139${String(i).padStart(8, '0')},u${i}@example.com,客户${i}`);
    writeFileSync(join(s.root, 'c.csv'), c.join('\n') + '\n');
    siyuOk(s.dir, ['import', 'customers', join(s.root, 'c.csv')]);
    for (const ms of moments(2500)) {
      await killAfter(s.dir, ['keys', 'rotate'], ms);
      await assertStoreSound(s.dir, `rotation killed at ${ms} ms`);
      const status = JSON.parse(siyuOk(s.dir, ['keys', 'status', '--json'])) as { keys: string[]; usage: Record<string, number> };
      const orphaned = Object.keys(status.usage).filter((k) => !status.keys.includes(k));
      assert.deepEqual(orphaned, [], `after a kill at ${ms} ms some ciphertexts are under a key no longer held: ${JSON.stringify(status)}`);
    }
    siyuOk(s.dir, ['keys', 'rotate']);
    const status = JSON.parse(siyuOk(s.dir, ['keys', 'status', '--json'])) as { active: string; keys: string[]; usage: Record<string, number> };
    assert.deepEqual(Object.keys(status.usage), [status.active], 'a completed rotation leaves everything under the active key');
  } finally {
    s.done();
  }
});

/** Starts `siyu serve` on the store and waits for it; returns its base URL and a stop (SIGKILL or SIGTERM). */
async function serve(dir: string): Promise<{ base: string; kill: () => Promise<void>; stop: () => Promise<void> }> {
  const port = 24000 + Math.floor(rng() * 20000);
  const run = siyuChild(dir, ['serve', '--port', String(port)]);
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 240 && !up; i++) {
    up = await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) {
    run.child.kill('SIGKILL');
    await run.exited;
    assert.fail(`siyu serve never answered /healthz: ${run.stderr().slice(-800)}`);
  }
  return {
    base,
    kill: async () => { run.child.kill('SIGKILL'); await run.exited; },
    stop: async () => { run.child.kill('SIGTERM'); await run.exited; },
  };
}

const login = (base: string, username: string, password: string) =>
  fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).then((r) => r.status);
const track = (base: string, key: string, messageId: string) =>
  fetch(`${base}/v1/track`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'track', event: 'Crash Check', userId: 'u-crash', messageId }) }).then((r) => r.status);

test(`crash matrix (seed ${CRASH_SEED}): users, API keys and sources killed while being made — each acknowledged one works`, async () => {
  const s = scratch();
  try {
    siyuOk(s.dir, ['stats']);
    const acked: { user?: string; password?: string; key?: string; source?: string; write_key?: string }[] = [];
    for (const ms of moments(3000)) {
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'crash-writer.ts')], { env: { ...process.env, SIYU_DATA_DIR: s.dir }, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, 800 + ms));
      child.kill('SIGKILL');
      await exited;
      acked.push(...out.split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l)));
      await assertStoreSound(s.dir, `creation killed at ${ms} ms`);
      // the next round starts after the names already made
      if (acked.length) break;
    }
    assert.ok(acked.some((a) => a.user) && acked.some((a) => a.key) && acked.some((a) => a.write_key), `too little was acknowledged to check: ${acked.length}`);
    const srv = await serve(s.dir);
    try {
      for (const a of acked) {
        if (a.user) assert.equal(await login(srv.base, a.user, a.password!), 200, `user ${a.user} cannot log in`);
        if (a.key) assert.equal((await fetch(`${srv.base}/api/v1/stats`, { headers: { authorization: `Bearer ${a.key}` } })).status, 200, 'an acknowledged API key is refused');
        if (a.write_key) assert.equal(await track(srv.base, a.write_key, `after-${a.source}`), 200, `source ${a.source}'s write key is refused`);
      }
    } finally {
      await srv.stop();
    }
  } finally {
    s.done();
  }
});

test(`crash matrix (seed ${CRASH_SEED}): the server killed during logins and under collection — every user logs in, every acknowledged event is stored once`, async () => {
  const s = scratch();
  try {
    const users: { user: string; password: string }[] = [];
    await warehouse(s.dir, async (a) => {
      for (let i = 0; i < 6; i++) {
        const password = `Harbour-Lantern-${i}-Quay`;
        await createUser(a, { username: `p${i}`, role: 'analyst', password });
        users.push({ user: `p${i}`, password });
      }
    });
    let srv = await serve(s.dir);
    const key = JSON.parse(siyuOk(s.dir, ['sources', 'create', '--name', 'web', '--json'])).write_key as string;
    const acked = new Set<string>();
    let next = 0;
    for (const ms of moments(2500)) {
      let stop = false;
      const senders = Array.from({ length: 4 }, async () => {
        while (!stop) {
          const id = `m-${next++}`;
          const status = await track(srv.base, key, id).catch(() => 0);
          if (status === 200) acked.add(id);
          else if (status === 0) return;
        }
      });
      const logins = Array.from({ length: 3 }, async () => {
        for (let i = 0; !stop; i++) {
          const u = users[i % users.length];
          if ((await login(srv.base, u.user, u.password).catch(() => 0)) === 0) return;
        }
      });
      await new Promise((r) => setTimeout(r, ms));
      await srv.kill();
      stop = true;
      await Promise.all([...senders, ...logins]);
      await assertStoreSound(s.dir, `server killed at ${ms} ms under collection and logins`);
      srv = await serve(s.dir);
    }
    for (const u of users) assert.equal(await login(srv.base, u.user, u.password), 200, `${u.user} cannot log in after the kills`);
    assert.equal(await track(srv.base, key, 'after-the-kills'), 200, 'the write key works after the kills');
    acked.add('after-the-kills');
    const events = () => JSON.parse(siyuOk(s.dir, ['sources', 'list', '--json'])).sources.find((x: { name: string }) => x.name === 'web') as { id: number; events: number };
    for (let i = 0; i < 240 && events().events < acked.size; i++) await new Promise((r) => setTimeout(r, 250));
    const sourceId = events().id;
    await srv.stop();
    const ids = await warehouse(s.dir, async (a) => (await a.warehouse.all<{ e: string }>(`select event_id as e from events where source = 'web'`)).map((r) => r.e));
    assert.equal(new Set(ids).size, ids.length, 'an event stored twice');
    const missing = [...acked].filter((m) => !ids.includes(`${sourceId}:${m}`));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.size} acknowledged events were lost`);
  } finally {
    s.done();
  }
});
