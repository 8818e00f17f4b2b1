import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { paths } from '../src/config.ts';
import { createSource } from '../src/collect/sources.ts';

/**
 * DuckDB's own write-ahead log is not replayed after an unclean shutdown: the store's recovery moves it aside and
 * opens at the last checkpoint. So the collector's log must keep every segment until a checkpoint holds its events.
 * The server is killed with SIGKILL under traffic and `siyu.duckdb.wal` moved away before each restart — twice, the
 * second time soon after the restart has loaded what the first left in the log (a segment deleted once loaded, as
 * before, lost exactly those events) — and every acknowledged event is then stored exactly once.
 */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const serve = (dir: string, port: number): ChildProcess => spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env: { ...process.env, SIYU_DATA_DIR: dir }, stdio: 'ignore' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function up(port: number): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)) return;
    await pause(250);
  }
  throw new Error('server did not start');
}

async function kill(server: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const exited = new Promise((r) => server.once('exit', r));
  server.kill(signal);
  await exited;
}

/** What recovery does with a WAL DuckDB cannot be trusted to replay: set it aside. */
function dropDuckdbWal(dir: string): boolean {
  const wal = `${paths.database(dir)}.wal`;
  if (!existsSync(wal)) return false;
  renameSync(wal, `${wal}.${Date.now()}.aside`);
  return true;
}

test('kill -9 under traffic with DuckDB\'s own WAL thrown away before each restart, twice: every acknowledged event is stored exactly once', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-crash-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  try {
    const app = await openApp({ dir });
    const { write_key } = await createSource(app, 'web');
    await app.close();
    const auth = `Basic ${Buffer.from(`${write_key}:`).toString('base64')}`;
    // A modest stream (two senders, 20 events a request): DuckDB's own log stays far below the size at which DuckDB
    // checkpoints by itself, so what survives a crash is what the collector's checkpoints and log kept.
    const per = 20;
    const batchOf = (k: number) => JSON.stringify({ batch: Array.from({ length: per }, (_, i) => ({ type: 'track', anonymousId: `a${(k * per + i) % 777}`, event: 'Page Scrolled', messageId: `m-${k}-${i}`, properties: { k, i } })) });
    const acked = new Set<number>();
    let next = 0;
    /** Senders until `stop()` says so; each acknowledged batch is remembered. */
    const traffic = () => {
      let stopped = false;
      const one = async () => {
        while (!stopped) {
          const k = next++;
          const r = await fetch(`http://127.0.0.1:${port}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: batchOf(k) }).catch(() => null);
          if (r?.status === 200) acked.add(k);
          await pause(r?.status === 200 ? 10 : 100);
        }
      };
      const senders = Array.from({ length: 2 }, one);
      return async () => {
        stopped = true;
        await Promise.all(senders);
      };
    };

    // 1: traffic long enough for checkpoints to happen, then a kill in the middle of it.
    let server = serve(dir, port);
    await up(port);
    let stop = traffic();
    while (acked.size < 120) await pause(20);
    await pause(6000);
    await kill(server);
    await stop();
    const first = acked.size;
    dropDuckdbWal(dir);

    // 2: the restart replays the log; killed again soon after it has loaded that, before or after a checkpoint.
    server = serve(dir, port);
    await up(port);
    stop = traffic();
    await pause(1500);
    await kill(server);
    await stop();
    assert.ok(acked.size > first, 'the second run acknowledged more');
    dropDuckdbWal(dir);

    // 3: a last restart, stopped cleanly (everything acknowledged is loaded on the way down).
    server = serve(dir, port);
    await up(port);
    await kill(server, 'SIGTERM');

    const after = await openApp({ dir });
    try {
      const ks = new Set((await after.warehouse.all<{ k: number }>(`select distinct cast(properties->>'k' as integer) as k from events where source = 'web'`)).map((r) => r.k));
      assert.deepEqual([...acked].filter((k) => !ks.has(k)), [], `every one of ${acked.size} acknowledged batches is stored`);
      const r = await after.warehouse.get<{ rows: number; distinct: number }>(`select count(*) as rows, count(distinct event_id) as distinct from events where source = 'web'`);
      assert.equal(r!.rows, r!.distinct, 'no event stored twice');
      assert.deepEqual(await after.warehouse.all(`select properties->>'k' as k, count(*) as n from events where source = 'web' group by 1 having count(*) <> ${per}`), [], 'a batch is stored whole or not at all');
      assert.equal(Number((await after.warehouse.get<{ events: number }>('select events from collect_source_stats'))!.events), Number(r!.rows), 'the counter agrees');
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
