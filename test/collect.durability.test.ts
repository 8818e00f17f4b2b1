import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { createSource } from '../src/collect/sources.ts';

/**
 * Nothing acknowledged is lost: a server taking Segment batches from 6 concurrent senders is killed with SIGKILL
 * in the middle of the load, restarted on the same store, and every acknowledged messageId is then stored exactly
 * once (the write-ahead log is replayed; a re-sent batch is not stored twice).
 */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function serve(dir: string, port: number): ChildProcess {
  return spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir }, stdio: 'ignore' });
}

async function up(port: number): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not start');
}

test('kill -9 in the middle of a load: after a restart every acknowledged event is stored exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-kill-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  try {
    const app = await openApp({ dir });
    const { write_key } = await createSource(app, 'web');
    await app.close();
    const auth = `Basic ${Buffer.from(`${write_key}:`).toString('base64')}`;
    const batchOf = (k: number) => JSON.stringify({ batch: Array.from({ length: 100 }, (_, i) => ({ type: 'track', anonymousId: `a${(k * 100 + i) % 777}`, event: 'Page Scrolled', messageId: `m-${k}-${i}`, properties: { k, i } })) });

    let server = serve(dir, port);
    await up(port);
    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (!killed) {
        const k = next++;
        const r = await fetch(`http://127.0.0.1:${port}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: batchOf(k) }).catch(() => null);
        if (r?.status === 200) acked.add(k);
        else if (r?.status === 429) await new Promise((res) => setTimeout(res, 100));
      }
    };
    const senders = Array.from({ length: 6 }, sender);
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 20));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    killed = true;
    await Promise.all(senders);
    const ackedAtKill = acked.size;
    assert.ok(ackedAtKill >= 150);
    assert.ok(readdirSync(join(dir, 'wal')).length >= 1);

    server = serve(dir, port);
    await up(port);
    // The clients retry what was not acknowledged; batches already stored come back as duplicates.
    for (const k of [0, 1, 2, ...[...acked].slice(-3)]) {
      const r = await fetch(`http://127.0.0.1:${port}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: batchOf(k) });
      assert.equal(r.status, 200);
    }
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));

    const after = await openApp({ dir });
    try {
      const ids = new Set((await after.warehouse.all<{ k: number }>(`select distinct cast(properties->>'k' as integer) as k from events where source = 'web'`)).map((r) => r.k));
      const missing = [...acked].filter((k) => !ids.has(k));
      assert.deepEqual(missing, [], 'every acknowledged batch is stored');
      const r = await after.warehouse.get<{ rows: number; distinct: number }>(`select count(*) as rows, count(distinct event_id) as distinct from events where source = 'web'`);
      assert.equal(r!.rows, r!.distinct, 'no event stored twice');
      assert.ok(r!.rows >= ackedAtKill * 100);
      const perBatch = await after.warehouse.all<{ n: number }>(`select count(*) as n from events where source = 'web' group by properties->>'k' having count(*) <> 100`);
      assert.deepEqual(perBatch, [], 'a batch is stored whole or not at all');
      const stats = await after.warehouse.get<{ events: number }>(`select events from collect_source_stats`);
      assert.equal(stats!.events, r!.rows);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
