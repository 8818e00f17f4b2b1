import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';

/**
 * GET /healthz answers anyone, for load balancers and scripts: liveness — no amounts, orders, events or file names,
 * which are `stats:read` data (GET /api/v1/stats, `siyu stats`). A caller on the machine itself (a loopback socket,
 * no proxy between: no Forwarded / X-Forwarded-For header) also gets the number of customers, the sign a quick start
 * waits for that the demo brand is loaded; a caller over the network never does (docs/permissions.md).
 */
export async function healthRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/healthz', {
    config: { public: true },
    schema: {
      summary: 'Liveness: the server answers (no data; a caller on the machine itself also gets the customer count)',
      response: { 200: { type: 'object', additionalProperties: false, properties: { status: { type: 'string' }, customers: { type: 'integer' } } } },
    },
  }, async (req) => {
    if (!onThisMachine(req)) return { status: 'ok' };
    return { status: 'ok', customers: (await workspaceStats(app.warehouse, app.workspaceId)).customers };
  });

  server.get('/api/v1/stats', {
    config: { permission: 'stats:read' },
    schema: {
      summary: 'Workspace stats: customers, orders, events, GMV',
      tags: ['workspace'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => workspaceStats(app.warehouse, app.workspaceId));
}

/** A loopback socket with no proxy in between. */
export function onThisMachine(req: FastifyRequest): boolean {
  if (req.headers.forwarded || req.headers['x-forwarded-for'] || req.headers['x-real-ip']) return false;
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}
