import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { verifyAudit } from '../../privacy/audit.ts';

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
    return app.warehouse.all(
      `select seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%SZ') as at, actor, action, target, detail::varchar as detail from audit_log
       where ($p is null or starts_with(action, $p)) order by seq desc limit $n`,
      { p: q.action ?? null, n: q.limit ?? 100 },
    );
  });

  server.get('/api/v1/audit/verify', {
    config: { permission: 'audit:read' },
    schema: {
      summary: 'Verify the hash chain of the audit log; names altered and deleted entries',
      tags: ['privacy'],
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, entries: { type: 'integer' }, problems: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, problem: { type: 'string' } } } } } } },
    },
  }, async () => verifyAudit(app.warehouse));
}
