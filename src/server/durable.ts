import type { FastifyInstance } from 'fastify';
import type { App } from '../app/context.ts';

/**
 * Nothing the API acknowledges waits in DuckDB's own log (which is not replayed after a crash: src/store/duckdb/
 * recovery.ts): a successful state-changing API request is answered only after a warehouse checkpoint. (Collection
 * routes are durable in the collector's own log and are not checkpointed per request; forwarded CLI commands
 * checkpoint when they end, src/server/routes/cli.ts.)
 */
export function installDurableWrites(server: FastifyInstance, app: App): void {
  server.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return payload;
    if (!req.url.startsWith('/api/') || reply.statusCode >= 400) return payload;
    await app.warehouse.checkpoint();
    return payload;
  });
}
