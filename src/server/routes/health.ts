import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';

export async function healthRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/healthz', {
    config: { public: true },
    schema: {
      summary: 'Liveness and store status',
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, store: { type: 'object', additionalProperties: true }, counts: { type: 'object', additionalProperties: true } } } },
    },
  }, async () => {
    const counts = await workspaceStats(app.warehouse, app.workspaceId);
    return { status: 'ok', store: { kind: 'duckdb', file: app.warehouse.file.split('/').pop(), ok: true }, counts };
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
