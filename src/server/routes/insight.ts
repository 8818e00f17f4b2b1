import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { filtersJsonSchema, type InsightFilters } from '../../insight/filters.ts';
import { INSIGHT_ENDPOINTS } from '../../insight/endpoints.ts';

/**
 * GET /api/v1/insight/<name>: the same functions and filters as `siyu insight <name>` (src/insight/endpoints.ts
 * lists them with their options), each with its query-string schema for OpenAPI.
 */
export async function insightRoutes(server: FastifyInstance, app: App): Promise<void> {
  for (const e of INSIGHT_ENDPOINTS) {
    server.get(`/api/v1/insight/${e.name}`, {
      config: { permission: 'insight:read' },
      schema: {
        summary: e.summary,
        tags: ['insight'],
        querystring: { type: 'object', additionalProperties: false, properties: { ...(e.filters === false ? {} : filtersJsonSchema), ...e.options } } as never,
        response: { 200: e.response ?? { type: 'object', additionalProperties: true } },
      },
    }, async (req) => {
      const q = req.query as Record<string, string | number | undefined>;
      const filters: InsightFilters = {};
      for (const k of Object.keys(filtersJsonSchema) as (keyof InsightFilters)[]) if (typeof q[k] === 'string') filters[k] = q[k] as string;
      return e.run(app, filters, q);
    });
  }
}
