import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, appOn } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';

// Two HTTP import jobs run at once on their own connections: their refreshes of the aggregates, the purchase
// summary and the rule tags after the files collided ('Conflict on tuple deletion!'), and the second job failed with
// an internal error although its file was in.
test('given two imports running at once on two connections, then every one of them succeeds, with its derived data refreshed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-impconc-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    const file = (name: string) => {
      const f = join(dir, `${name}.csv`);
      writeFileSync(f, `order_id,member_no,ordered_at,gross_amount\n${name},M${name},2025-01-01,5\n`);
      return f;
    };
    const forks = [appOn(app, await app.warehouse.fork(), 'job-a'), appOn(app, await app.warehouse.fork(), 'job-b')];
    const results = await Promise.allSettled(forks.map(async (a, k) => {
      const out = [];
      for (let i = 0; i < 6; i++) out.push(await importFiles(a, { entity: 'orders', files: [file(`O${k}${i}`)] }));
      return out;
    }));
    for (const r of results) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String((r as PromiseRejectedResult).reason) : '');
    const summaries = results.flatMap((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof importFiles>>[]>).value);
    assert.deepEqual(summaries.map((s) => [s.imported, s.warnings]), Array(12).fill([1, undefined]));
    assert.equal(await app.warehouse.scalar(`select count(*) from orders`), 12);
    assert.equal(await app.warehouse.scalar(`select sum(orders) from insight_customer_agg`), 12, 'the aggregates hold every order');
    for (const f of forks) f.warehouse.close();
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
