import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { listAudit, verifyAudit } from '../../privacy/audit.ts';

/** The audit log, for auditors (审计员): the latest entries and a verification of the hash chain. */
export async function auditRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/audit', {
    config: { permission: 'audit:read' },
    schema: {
      summary: 'Latest audit entries (审计日志)',
      tags: ['privacy'],
      querystring: { type: 'object', properties: { action: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } } },
      response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  }, async (req) => {
    const q = req.query as { action?: string; limit?: number };
    return listAudit(app, { action: q.action, limit: q.limit ?? 100 });
  });

  server.get('/api/v1/audit/verify', {
    config: { permission: 'audit:read' },
    schema: {
      summary: 'Verify the keyed hash chain of the audit log against its head and anchors; names altered and deleted entries',
      tags: ['privacy'],
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, entries: { type: 'integer' }, anchored: { type: 'integer' }, problems: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, problem: { type: 'string' } } } } } } },
    },
  }, async () => verifyAudit(app));
}
