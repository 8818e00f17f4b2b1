import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { createSource, sourceSpec } from '../../collect/sources.ts';
import { createWecomSource } from '../../collect/wecomStore.ts';
import { collectorStatus, sourcesReport } from '../../collect/report.ts';
import { requestApp } from '../auth/scope.ts';
import { UserError } from '../../errors.ts';

/** Collection sources: list with counts, last-seen, errors and a masked live tail; create (returns the write key once). */
const CREATE_FIELDS = {
  name: { type: 'string' },
  kind: { type: 'string', enum: ['tracking', 'sensors', 'wecom', 'server'], description: '`server` is short for kind tracking with trust server' },
  trust: { type: 'string', enum: ['client', 'server'], description: 'client (default): the key may be public; server: a secret key on the brand\'s back end' },
  capture_consent: { type: 'boolean', description: 'client sources: record consent changes that carry their evidence (policy version, capture context)' },
  corp_id: { type: 'string' }, token: { type: 'string' }, aes_key: { type: 'string' }, secret: { type: 'string' }, api_base: { type: 'string' },
} as const;

export async function sourceRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/sources', {
    config: { permission: 'collect:read' },
    schema: {
      summary: 'Collection sources with stored event counts, dead letters, last-seen, error counts and a live tail (masked); the collector\'s lag',
      tags: ['collect'],
      querystring: { type: 'object', properties: { tail: { type: 'boolean', default: false } } },
      response: { 200: { type: 'object', properties: { sources: { type: 'array', items: { type: 'object', additionalProperties: true } }, collector: { type: ['object', 'null'], additionalProperties: true } } } },
    },
  }, async (req) => ({ sources: await sourcesReport(app, { tail: (req.query as { tail?: boolean }).tail ?? false }), collector: collectorStatus(app) }));

  server.post('/api/v1/sources', {
    config: { permission: 'collect:admin' },
    schema: {
      summary: 'Create a collection source; the answer carries its write key (a WeCom source needs corp_id, token and aes_key)',
      tags: ['collect'],
      body: { type: 'object', required: ['name'], properties: CREATE_FIELDS },
      response: { 201: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, kind: { type: 'string' }, trust: { type: 'string' }, settings: { type: 'object', additionalProperties: true }, write_key: { type: 'string' }, callback_path: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !(k in CREATE_FIELDS));
    if (unknown.length) throw new UserError('bad_request', `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; a source takes ${Object.keys(CREATE_FIELDS).join(', ')}.`, `未知字段 ${unknown.join('、')}。`);
    const caller = requestApp(req, app);
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    if (str('kind') === 'wecom') {
      const w = await createWecomSource(caller, { name: String(b.name), corpId: str('corp_id') ?? '', token: str('token') ?? '', encodingAesKey: str('aes_key') ?? '', secret: str('secret'), apiBase: str('api_base') });
      return reply.status(201).send({ ...w, trust: 'server' });
    }
    const wecomOnly = ['corp_id', 'token', 'aes_key', 'secret', 'api_base'].filter((k) => k in b);
    if (wecomOnly.length) throw new UserError('bad_request', `${wecomOnly.join(', ')} belong to a WeCom source (kind wecom).`, `${wecomOnly.join('、')} 仅用于企业微信数据源（kind wecom）。`);
    const spec = sourceSpec({ kind: str('kind'), trust: str('trust'), captureConsent: b.capture_consent === true });
    const s = await createSource(caller, String(b.name), spec);
    return reply.status(201).send(s);
  });
}
