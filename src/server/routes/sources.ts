import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { createSource } from '../../collect/sources.ts';
import { collectorStatus, sourcesReport } from '../../collect/report.ts';

/** Collection sources: list with counts, last-seen, errors and a masked live tail; create (returns the write key once). */
export async function sourceRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/sources', {
    config: { permission: 'collect:read' },
    schema: {
      summary: 'Collection sources with stored event counts, last-seen, error counts and a live tail (masked); the collector\'s lag',
      tags: ['collect'],
      querystring: { type: 'object', properties: { tail: { type: 'boolean', default: false } } },
      response: { 200: { type: 'object', properties: { sources: { type: 'array', items: { type: 'object', additionalProperties: true } }, collector: { type: ['object', 'null'], additionalProperties: true } } } },
    },
  }, async (req) => ({ sources: await sourcesReport(app, { tail: (req.query as { tail?: boolean }).tail ?? false }), collector: collectorStatus(app) }));

  server.post('/api/v1/sources', {
    config: { permission: 'collect:admin' },
    schema: {
      summary: 'Create a collection source; the answer carries its write key',
      tags: ['collect'],
      body: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { type: 'string', enum: ['tracking', 'sensors', 'wecom'] } } },
      response: { 201: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, kind: { type: 'string' }, write_key: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { name: string; kind?: string };
    return reply.status(201).send(await createSource(app, b.name, b.kind));
  });
}
