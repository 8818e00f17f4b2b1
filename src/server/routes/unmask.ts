import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { decrypt } from '../../domain/privacy/cipher.ts';
import { UserError } from '../../errors.ts';
import { auditUnmask } from '../../privacy/trail.ts';
import { assertCustomerInScope, requestApp } from '../auth/scope.ts';

const FIELDS = ['name', 'birthday', 'phone', 'email', 'member_no', 'unionid', 'openid', 'external_userid'];

/** Unmasking (查看明文): a separate permission, a stated reason, one audit entry per use. */
export async function unmaskRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.post('/api/v1/customers/:id/unmask', {
    config: { permission: 'pii:unmask', rawPii: true },
    schema: {
      summary: 'Show a customer\'s personal information in clear (audited)',
      tags: ['privacy'],
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', required: ['fields', 'reason'], additionalProperties: false, properties: { fields: { type: 'array', minItems: 1, items: { type: 'string', enum: FIELDS } }, reason: { type: 'string', minLength: 2, maxLength: 200 } } },
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (req) => {
    const id = (req.params as { id: number }).id;
    const b = req.body as { fields: string[]; reason: string };
    await assertCustomerInScope(req, app, id);
    const c = await app.warehouse.get<{ name_cipher: string | null; birthday_cipher: string | null }>('select name_cipher, birthday_cipher from customers where workspace_id = $ws and id = $id', { ws: app.workspaceId, id });
    if (!c) throw new UserError('no_customer', `No customer ${id}.`, `客户 ${id} 不存在。`, 404);
    const out: Record<string, string | string[] | null> = {};
    const clear = (v: string | null) => (v ? decrypt(app.keys, v) : null);
    for (const f of b.fields) {
      if (f === 'name') out.name = clear(c.name_cipher);
      else if (f === 'birthday') out.birthday = clear(c.birthday_cipher);
      else {
        const rows = await app.warehouse.all<{ id_cipher: string | null }>('select id_cipher from customer_identifiers where workspace_id = $ws and customer_id = $id and id_type = $t', { ws: app.workspaceId, id, t: f });
        out[f] = rows.map((r) => clear(r.id_cipher)).filter((x): x is string => !!x);
      }
    }
    await auditUnmask(requestApp(req, app), { customerId: id, fields: b.fields, reason: b.reason });
    return out;
  });
}
