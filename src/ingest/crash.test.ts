import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../app/context.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'siyu.mjs');

/** Starts `siyu import orders <file>` on the store and kills it with SIGKILL after `ms` (or lets it finish). */
function importChild(store: string, file: string, killAfterMs?: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'import', 'orders', file, '--json'], { env: { ...process.env, SIYU_DATA_DIR: store }, stdio: 'ignore' });
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve(code);
    });
  });
}

test('given an import killed with SIGKILL at several points, then the store reopens each time with none or all of the file, and a re-run imports it whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-crash-'));
  const store = join(dir, 'store');
  const n = 150_000;
  const lines = ['order_id,member_no,ordered_at,gross_amount'];
  for (let i = 0; i < n; i++) lines.push(`K${i},M${i % 40_000},2025-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 1}.50`);
  const file = join(dir, 'orders.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    // A first small import creates the store (so the kills land in the big import, not in the migrations).
    writeFileSync(join(dir, 'one.csv'), 'order_id,member_no,ordered_at,gross_amount\nA1,M1,2025-01-01 10:00:00,1\n');
    assert.equal(await importChild(store, join(dir, 'one.csv')), 0);
    const killed: number[] = [];
    for (const ms of [1500, 2500, 3500, 5000]) {
      const code = await importChild(store, file, ms);
      if (code === null) killed.push(ms);
      const app = await openApp({ dir: store });
      try {
        const orders = await app.warehouse.scalar(`select count(*) from orders where order_id like 'K%'`);
        assert.ok(orders === 0 || orders === n, `after a kill at ${ms} ms (exit ${code}): ${orders} orders, expected none or all ${n}`);
        const orphans = await app.warehouse.scalar(`select count(*) from customer_identifiers i where not exists (select 1 from customers c where c.id = i.customer_id)`);
        assert.equal(orphans, 0, 'no identifier without its customer');
      } finally {
        app.close();
      }
    }
    assert.ok(killed.length > 0, 'at least one import was killed before it finished');
    assert.equal(await importChild(store, file), 0);
    const app = await openApp({ dir: store });
    try {
      assert.equal(await app.warehouse.scalar(`select count(*) from orders where order_id like 'K%'`), n);
      assert.equal(await app.warehouse.scalar(`select count(*) from customer_identifiers`), 40_000);
      assert.equal(await app.warehouse.scalar(`select count(*) from (select id_type, namespace, id_hash from customer_identifiers group by all having count(*) > 1)`), 0, 'no identifier twice');
    } finally {
      app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
