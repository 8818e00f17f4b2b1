import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { qualityReport } from '../../ingest/quality/index.ts';

const ratios = { type: 'object', additionalProperties: { type: 'number' } };
const counts = { type: 'object', additionalProperties: { type: 'integer' } };

/** GET /api/v1/quality: the data-quality report (数据质量), the same as `siyu quality --json`. */
export async function qualityRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/quality', {
    config: { permission: 'quality:read' },
    schema: {
      summary: 'Data quality: completeness per field, invalid values, duplicates found and merged, orphans, order statuses, consent coverage, freshness per source',
      tags: ['import'],
      response: {
        200: {
          type: 'object',
          properties: {
            generatedAt: { type: 'string' },
            completeness: { type: 'object', properties: { customers: ratios, orders: ratios } },
            invalid: { type: 'object', additionalProperties: true },
            duplicates: { type: 'object', additionalProperties: true },
            orphans: { type: 'object', additionalProperties: true },
            orderStatuses: { type: 'object', properties: { byStatus: counts, unknown: counts } },
            consent: { type: 'object', additionalProperties: { type: 'object', properties: { granted: { type: 'integer' }, withdrawn: { type: 'integer' }, coverage: { type: 'number' } } } },
            freshness: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
      },
    },
  }, async () => qualityReport(app));
}
