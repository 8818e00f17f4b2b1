import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { recordConsent, consentHistory, consentSummary, assertCustomer, assertPurpose, loadSubject } from '../../privacy/consentLedger.ts';
import { storeToday } from '../../privacy/policy.ts';
import { canUse, PURPOSES } from '../../domain/privacy/consent.ts';
import { requestApp, assertCustomerInScope } from '../auth/scope.ts';

const entry = { type: 'object', properties: { id: { type: 'integer' }, purpose: { type: 'string' }, status: { type: 'string' }, changed_at: { type: 'string' }, source: { type: ['string', 'null'] }, evidence: { type: ['string', 'null'] }, policy_version: { type: ['string', 'null'] } } };

/** The consent ledger over HTTP (同意记录): record grants and withdrawals, read history and decisions. */
export async function consentRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.post('/api/v1/consents', {
    config: { permission: 'consent:write' },
    schema: {
      summary: 'Record a consent grant or withdrawal (takes effect at once)',
      tags: ['privacy'],
      body: {
        type: 'object', required: ['customer_id', 'purpose', 'status'], additionalProperties: false,
        properties: {
          customer_id: { type: 'integer', minimum: 1 }, purpose: { type: 'string', enum: PURPOSES }, status: { type: 'string', enum: ['granted', 'withdrawn'] },
          changed_at: { type: 'string', format: 'date-time' }, source: { type: 'string', maxLength: 100 }, evidence: { type: 'string', maxLength: 500 }, policy_version: { type: 'string', maxLength: 50 },
        },
      },
      response: { 201: { type: 'object', properties: { id: { type: 'integer' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { customer_id: number; purpose: string; status: 'granted' | 'withdrawn'; changed_at?: string; source?: string; evidence?: string; policy_version?: string };
    const a = requestApp(req, app);
    await assertCustomerInScope(req, app, b.customer_id);
    const r = await recordConsent(a, { customerId: b.customer_id, purpose: b.purpose, status: b.status, changedAt: b.changed_at, source: b.source, evidence: b.evidence, policyVersion: b.policy_version });
    return reply.status(201).send(r);
  });

  server.get('/api/v1/consents/summary', {
    config: { permission: 'consent:read' },
    schema: {
      summary: 'Per purpose: customers granted, withdrawn, and usable now',
      tags: ['privacy'],
      response: { 200: { type: 'array', items: { type: 'object', properties: { purpose: { type: 'string' }, granted: { type: 'integer' }, withdrawn: { type: 'integer' }, permitted: { type: 'integer' } } } } },
    },
  }, async () => consentSummary(app));

  server.get('/api/v1/consents/:customerId', {
    config: { permission: 'consent:read' },
    schema: {
      summary: 'A customer\'s consent history and what is permitted now',
      tags: ['privacy'],
      params: { type: 'object', properties: { customerId: { type: 'integer', minimum: 1 } } },
      querystring: { type: 'object', properties: { purpose: { type: 'string', enum: PURPOSES } } },
      response: { 200: { type: 'object', properties: { customer: { type: 'integer' }, history: { type: 'array', items: entry }, current: { type: 'object', additionalProperties: { type: 'object', properties: { allowed: { type: 'boolean' }, reason: { type: 'string' } } } } } } },
    },
  }, async (req) => {
    const { customerId } = req.params as { customerId: number };
    const { purpose } = req.query as { purpose?: string };
    await assertCustomerInScope(req, app, customerId);
    await assertCustomer(app, customerId);
    const s = (await loadSubject(app, customerId))!;
    const today = await storeToday(app);
    const purposes = purpose ? (assertPurpose(purpose), [purpose]) : PURPOSES;
    return { customer: customerId, history: await consentHistory(app, customerId), current: Object.fromEntries(purposes.map((p) => [p, canUse(p as never, s, today)])) };
  });
}
