import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';

/**
 * GET /healthz answers anyone, for load balancers and scripts: liveness only — no counts, amounts or file names,
 * which are `stats:read` data (GET /api/v1/stats, `siyu stats`).
 */
export async function healthRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/healthz', {
    config: { public: true },
    schema: {
      summary: 'Liveness: the server answers (no data; counts are at /api/v1/stats)',
      response: { 200: { type: 'object', additionalProperties: false, properties: { status: { type: 'string' } } } },
    },
  }, async () => ({ status: 'ok' }));

  server.get('/api/v1/stats', {
    config: { permission: 'stats:read' },
    schema: {
      summary: 'Workspace stats: customers, orders, events, GMV',
      tags: ['workspace'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => workspaceStats(app.warehouse, app.workspaceId));
}
