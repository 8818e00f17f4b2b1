import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { filtersJsonSchema, type InsightFilters } from '../../insight/filters.ts';
import { INSIGHT_ENDPOINTS } from '../../insight/endpoints.ts';
import { optionSchema, readOptions } from '../../insight/options.ts';

/**
 * GET /api/v1/insight/<name>: the same functions and filters as `siyu insight <name>` (src/insight/endpoints.ts
 * lists them with their options), each with its query-string schema for OpenAPI. Options are read by the same
 * reader as the CLI's (src/insight/options.ts), so a value out of bounds gets the same 400 and words on both.
 */
export async function insightRoutes(server: FastifyInstance, app: App): Promise<void> {
  for (const e of INSIGHT_ENDPOINTS) {
    const options = Object.fromEntries(Object.entries(e.options).map(([k, o]) => [k, optionSchema(o)]));
    server.get(`/api/v1/insight/${e.name}`, {
      config: { permission: 'insight:read' },
      attachValidation: true,
      schema: {
        summary: e.summary,
        tags: ['insight'],
        querystring: { type: 'object', additionalProperties: false, properties: { ...(e.filters === false ? {} : filtersJsonSchema), ...options } } as never,
        response: { 200: e.response ?? { type: 'object', additionalProperties: true } },
      },
    }, async (req) => {
      const raw = rawQuery(req);
      const q = readOptions(e.options, raw, 'api', { filters: e.filters !== false });
      if (req.validationError) throw Object.assign(req.validationError, { statusCode: 400 });
      const filters: InsightFilters = {};
      if (e.filters !== false) for (const k of Object.keys(filtersJsonSchema) as (keyof InsightFilters)[]) if (typeof raw[k] === 'string') filters[k] = raw[k];
      return e.run(app, filters, q);
    });
  }
}

/** The query string as written (last value of a repeated name): numbers are read by `readOptions`, not coerced. */
export function rawQuery(req: FastifyRequest): Record<string, string> {
  const i = req.url.indexOf('?');
  return i < 0 ? {} : Object.fromEntries(new URLSearchParams(req.url.slice(i + 1)));
}
