import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { listRequests, openRequest } from '../../privacy/dsr/requests.ts';
import { eraseCustomer } from '../../privacy/dsr/erase.ts';
import { subjectCopy } from '../../privacy/dsr/access.ts';
import { rectify, restrict, withdrawAll, RECTIFIABLE } from '../../privacy/dsr/rights.ts';
import { DSR_KINDS } from '../../domain/privacy/dsr.ts';
import { PURPOSES } from '../../domain/privacy/consent.ts';
import { requestApp } from '../auth/scope.ts';

const request = { type: 'object', additionalProperties: true, properties: { id: { type: 'integer' }, customer_id: { type: ['integer', 'null'] }, kind: { type: 'string' }, status: { type: 'string' }, received_at: { type: 'string' }, due_at: { type: 'string' }, completed_at: { type: ['string', 'null'] }, overdue: { type: 'boolean' } } };
const target = (extra: Record<string, unknown> = {}, required: string[] = []) => ({
  type: 'object', required: ['customer_id', ...required], additionalProperties: false,
  properties: { customer_id: { type: 'integer', minimum: 1 }, request_id: { type: 'integer', minimum: 1 }, ...extra },
});

/** Data-subject requests (个人信息主体权利请求, PIPL arts. 44–47) over HTTP. */
export async function dsrRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/dsr', {
    config: { permission: 'dsr:read' },
    schema: { summary: 'Data-subject requests with due dates', tags: ['privacy'], querystring: { type: 'object', properties: { status: { type: 'string', enum: ['open', 'done', 'rejected'] }, overdue: { type: 'boolean' } } }, response: { 200: { type: 'array', items: request } } },
  }, async (req) => listRequests(app, req.query as { status?: string; overdue?: boolean }));

  server.post('/api/v1/dsr', {
    config: { permission: 'dsr:write' },
    schema: { summary: 'Register a data-subject request (due in 15 days)', tags: ['privacy'], body: { type: 'object', required: ['customer_id', 'kind'], additionalProperties: false, properties: { customer_id: { type: 'integer', minimum: 1 }, kind: { type: 'string', enum: DSR_KINDS }, channel: { type: 'string', maxLength: 50 }, note: { type: 'string', maxLength: 500 } } }, response: { 201: request } },
  }, async (req, reply) => {
    const b = req.body as { customer_id: number; kind: string; channel?: string; note?: string };
    return reply.status(201).send(await openRequest(requestApp(req, app), { customerId: b.customer_id, kind: b.kind, channel: b.channel ?? 'api', note: b.note }));
  });

  server.post('/api/v1/dsr/access', {
    config: { permission: 'dsr:admin', rawPii: true },
    schema: { summary: 'A decrypted copy of everything held about the person (audited)', tags: ['privacy'], body: target({ portable: { type: 'boolean' } }), response: { 200: { type: 'object', additionalProperties: true } } },
  }, async (req) => {
    const b = req.body as { customer_id: number; request_id?: number; portable?: boolean };
    return subjectCopy(requestApp(req, app), b.customer_id, { requestId: b.request_id, kind: b.portable ? 'portability' : 'access' });
  });

  server.post('/api/v1/dsr/erase', {
    config: { permission: 'dsr:admin' },
    schema: { summary: 'Erase the person from every table and file; orders stay anonymous', tags: ['privacy'], body: target(), response: { 200: { type: 'object', additionalProperties: true } } },
  }, async (req) => {
    const b = req.body as { customer_id: number; request_id?: number };
    return eraseCustomer(requestApp(req, app), b.customer_id, { requestId: b.request_id });
  });

  server.post('/api/v1/dsr/restrict', {
    config: { permission: 'dsr:write' },
    schema: { summary: 'Restrict processing (or lift the restriction)', tags: ['privacy'], body: target({ lift: { type: 'boolean' } }), response: { 200: request } },
  }, async (req) => {
    const b = req.body as { customer_id: number; request_id?: number; lift?: boolean };
    return restrict(requestApp(req, app), b.customer_id, !!b.lift, { requestId: b.request_id });
  });

  server.post('/api/v1/dsr/rectify', {
    config: { permission: 'dsr:write' },
    schema: { summary: 'Correct a field (stored encrypted)', tags: ['privacy'], body: target({ field: { type: 'string', enum: RECTIFIABLE }, value: { type: 'string', maxLength: 200 } }, ['field', 'value']), response: { 200: request } },
  }, async (req) => {
    const b = req.body as { customer_id: number; request_id?: number; field: string; value: string };
    return rectify(requestApp(req, app), b.customer_id, b.field, b.value, { requestId: b.request_id });
  });

  server.post('/api/v1/dsr/withdraw', {
    config: { permission: 'dsr:write' },
    schema: { summary: 'Withdraw consent for a purpose or all', tags: ['privacy'], body: target({ purpose: { type: 'string', enum: [...PURPOSES, 'all'] } }), response: { 200: request } },
  }, async (req) => {
    const b = req.body as { customer_id: number; request_id?: number; purpose?: string };
    return withdrawAll(requestApp(req, app), b.customer_id, b.purpose ?? 'all', { requestId: b.request_id });
  });
}
