import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createSource, type SourceSpec, type SourceTrust } from '../src/collect/sources.ts';
import { runningCollector } from '../src/collect/collector.ts';

/** A real Siyu server on 127.0.0.1 over a fresh store in a temp dir, for the collection tests. */
export interface Harness {
  dir: string;
  app: App;
  server: FastifyInstance;
  url: string;
  /** A new source (a client source unless `spec` says otherwise). */
  source(name: string, spec?: SourceSpec): Promise<{ id: number; name: string; trust: SourceTrust; write_key: string }>;
  /** Waits until the loader has stored everything acknowledged so far. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** `dir`: an existing store to serve (its write-ahead log is replayed on start); a fresh one by default. */
export async function startHarness(dir = mkdtempSync(join(tmpdir(), 'siyu-collect-'))): Promise<Harness> {
  const app = await openApp({ dir });
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.server.address() as { port: number };
  return {
    dir, app, server,
    url: `http://127.0.0.1:${addr.port}`,
    source: (name, spec) => createSource(app, name, spec),
    drained: async () => runningCollector(dir)!.loader.drain(),
    async close() {
      await server.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stored events of a source: total rows and distinct event ids (equal when each is stored once). */
export async function storedCounts(app: App, source: string): Promise<{ rows: number; distinct: number }> {
  const r = await app.warehouse.get<{ rows: number; distinct: number }>(`select count(*) as rows, count(distinct event_id) as distinct from events where source = $s`, { s: source });
  return { rows: Number(r?.rows ?? 0), distinct: Number(r?.distinct ?? 0) };
}
