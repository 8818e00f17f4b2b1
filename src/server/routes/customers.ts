import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { UserError } from '../../errors.ts';
import { findCustomers, hasLookup, listCustomers, type CustomerLookup } from '../../insight/customers.ts';
import { customerPortrait } from '../../insight/portraits.ts';
import { optionSchema, readOptions, type EndpointOption } from '../../insight/options.ts';
import { assertCustomerInScope, customerScope } from '../auth/scope.ts';
import { rawQuery } from './insight.ts';

const id = (description: string): EndpointOption => ({ type: 'string', description, maxLength: 254 });
const OPTIONS: Record<string, EndpointOption> = {
  phone: id('look up by phone (normalised as imports are; matched by its keyed hash)'),
  member_no: id('look up by member number'),
  email: id('look up by e-mail address'),
  unionid: id('look up by WeChat unionid'),
  openid: id('look up by WeChat openid'),
  app: id("the openid's app id (default: any app)"),
  external_userid: id('look up by WeCom external_userid'),
  corp: id("the external_userid's corp id (default: any corp)"),
  limit: { type: 'integer', description: 'customers per page', minimum: 1, maximum: 200, default: 50 },
  after: { type: 'integer', description: 'the page after this customer id (next_after of the previous page)', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
};
const LOOKUP = ['phone', 'member_no', 'email', 'unionid', 'openid', 'app', 'external_userid', 'corp'] as const;

/**
 * Customers (客户), permission `customers:read`; a store guide sees only the customers they own (the owner on the
 * customer record or an open WeCom contact: src/server/auth/scope.ts), and another's is a 404.
 * - `GET /api/v1/customers?phone=…` (or member_no, email, unionid, openid [+ app], external_userid [+ corp]): the
 *   customers holding that identifier; without one, a page of customers by id (`limit`, `after`). Masked.
 * - `GET /api/v1/customers/:id`: the customer's portrait, as `GET /api/v1/insight/customer`.
 * Nothing here decrypts: like the portrait, these reads are masked and not `pii.read` audit events.
 */
export async function customerRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.get('/api/v1/customers', {
    config: { permission: 'customers:read' },
    attachValidation: true,
    schema: {
      summary: 'Find customers by phone, member number, e-mail, unionid, openid or external_userid; or list them, a page at a time (a guide: their own)',
      tags: ['customers'],
      querystring: { type: 'object', additionalProperties: false, properties: Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, optionSchema(o)])) } as never,
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (req) => {
    const q = readOptions(OPTIONS, rawQuery(req), 'api', { filters: false });
    if (req.validationError) throw Object.assign(req.validationError, { statusCode: 400 });
    const scope = customerScope(req, 'c.id');
    const by = Object.fromEntries(LOOKUP.map((k) => [k, typeof q[k] === 'string' ? q[k] : undefined])) as CustomerLookup;
    if (hasLookup(by)) return { customers: await findCustomers(app, by, scope), next_after: null };
    if (by.app || by.corp) throw new UserError('no_lookup', 'app and corp go with openid and external_userid.', 'app 与 corp 需配合 openid、external_userid 使用。');
    return listCustomers(app, { scope, limit: q.limit as number | undefined, after: q.after as number | undefined });
  });

  server.get('/api/v1/customers/:id', {
    config: { permission: 'customers:read' },
    schema: {
      summary: "One customer's portrait (masked), as GET /api/v1/insight/customer (a guide: their own only)",
      tags: ['customers'],
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } },
      querystring: { type: 'object', additionalProperties: false, properties: { timeline: { type: 'integer', minimum: 0, maximum: 1000, default: 50 } } },
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (req) => {
    const { id: customerId } = req.params as { id: number };
    const { timeline } = req.query as { timeline?: number };
    await assertCustomerInScope(req, app, customerId);
    return customerPortrait(app, customerId, { timeline });
  });
}
