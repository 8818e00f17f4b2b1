import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { openState } from '../src/store/open.ts';
import { paths } from '../src/config.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

/** A seeded generator (mulberry32), so a failing seed can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Run = { code: number | null; stdout: string; stderr: string; ms: number };

/** `siyu import <entity> <file>` on the store, killed with SIGKILL after `killAfterMs` (or left to finish). */
function importChild(store: string, entity: string, file: string, killAfterMs?: number, json = true): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [bin, 'import', entity, file, ...(json ? ['--json'] : [])], { env: { ...process.env, SIYU_DATA_DIR: store }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

test('given `siyu import` killed with SIGKILL at random moments (seeded), when it is run again, then the file is wholly there once, the counts are exact, and the re-run says the earlier run was interrupted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-impcrash-'));
  const n = 60_000;
  const lines = ['order_id,member_no,phone,ordered_at,gross_amount'];
  for (let i = 0; i < n; i++) lines.push(`K${i},M${i % 15_000},1380${String(i % 15_000).padStart(7, '0')},2025-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 1}.50`);
  const file = join(dir, 'orders.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const expectedGmv = Array.from({ length: n }, (_, i) => (i % 500) + 1.5).reduce((a, b) => a + b, 0);
  writeFileSync(join(dir, 'one.csv'), 'order_id,member_no,ordered_at,gross_amount\nA1,M1,2025-01-01 10:00:00,1\n');
  try {
    // How long a whole import of the file takes here, on a store of its own: the kills are drawn within it.
    const probe = join(dir, 'probe');
    assert.equal((await importChild(probe, 'orders', join(dir, 'one.csv'))).code, 0);
    const whole = await importChild(probe, 'orders', file);
    assert.equal(whole.code, 0, whole.stderr);
    const killedAt: string[] = [];
    let interrupted = 0;
    for (const seed of [11, 23, 37]) {
      const rnd = random(seed);
      const store = join(dir, `store-${seed}`);
      // A first small import creates the store (the kills land in the big import, not in the migrations).
      assert.equal((await importChild(store, 'orders', join(dir, 'one.csv'))).code, 0);
      const at = Math.round(300 + rnd() * Math.max(whole.ms - 300, 1));
      const cut = await importChild(store, 'orders', file, at);
      if (cut.code === null) killedAt.push(`seed ${seed}: ${at} ms`);
      // What the kill left in the state store: a run still running when the import had begun its file.
      const state = await openState({ file: paths.state(store) });
      const left = await state.scalar(`select count(*) from import_runs where status = 'running'`);
      await state.close();
      assert.equal(left, cut.code === null ? left : 0);

      // The next import of the store says a run was interrupted and that it is safe to run again; counts are exact.
      const again = await importChild(store, 'orders', file, undefined, false);
      assert.equal(again.code, 0, again.stderr);
      if (left) {
        interrupted++;
        assert.match(again.stdout, /an earlier import of orders\.csv \(orders, started [^)]+\) was interrupted .* It is safe to run that import again/, `seed ${seed}: ${again.stdout}`);
      }
      const m = /orders: (\d+) imported, (\d+) updated, (\d+) unchanged, (\d+) rejected/.exec(again.stdout);
      assert.ok(m, again.stdout);
      const [imported, updated, unchanged, rejected] = m.slice(1).map(Number);
      assert.equal(imported + unchanged, n, `seed ${seed}: every row once, imported now or before the kill`);
      assert.deepEqual([updated, rejected], [0, 0]);
      // Said once: the interrupted run is now recorded as such.
      const third = await importChild(store, 'orders', file, undefined, false);
      assert.doesNotMatch(third.stdout, /interrupted/);
      assert.match(third.stdout, new RegExp(`orders: 0 imported, 0 updated, ${n} unchanged, 0 rejected`));

      const app = await openApp({ dir: store });
      try {
        assert.equal(await app.warehouse.scalar(`select count(*) from orders where order_id like 'K%'`), n);
        assert.equal(await app.warehouse.scalar(`select count(distinct order_id) from orders`), n + 1, 'no order twice');
        assert.ok(Math.abs(await app.warehouse.scalar(`select sum(gross_amount) from orders where order_id like 'K%'`) - expectedGmv) < 0.001);
        assert.equal(await app.warehouse.scalar(`select count(*) from customer_identifiers`), 30_000, 'a member number and a phone per customer');
        assert.equal(await app.warehouse.scalar(`select count(*) from (select id_type, namespace, id_hash from customer_identifiers group by all having count(*) > 1)`), 0, 'no identifier twice');
        assert.equal(await app.warehouse.scalar(`select count(*) from customers where status = 'active'`), 15_000);
        const runs = await app.state.all<{ status: string; error: string | null }>(`select status, error from import_runs order by started_at`);
        assert.equal(runs.filter((r) => r.status === 'running').length, 0, 'no run left running');
        if (left) assert.match(String(runs[1].error), /^interrupted/);
      } finally {
        await app.close();
      }
    }
    assert.ok(killedAt.length > 0, 'at least one import was killed before it finished');
    assert.ok(interrupted > 0, `at least one kill left a run running (${killedAt.join(', ')})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
