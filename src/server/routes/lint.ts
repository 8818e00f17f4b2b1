import type { FastifyInstance } from 'fastify';
import { lintCopy, COPY_CHANNELS, type CopyChannel } from '../../domain/privacy/adlaw.ts';
import { DEFAULT_SEND_POLICY } from '../../domain/privacy/sendPolicy.ts';

const finding = {
  type: 'object',
  properties: {
    rule: { type: 'string' }, severity: { type: 'string' }, term: { type: 'string' }, start: { type: 'integer' }, end: { type: 'integer' },
    suggestions: { type: 'array', items: { type: 'string' } }, law: { type: 'string' }, message: { type: 'string' }, message_zh: { type: 'string' },
  },
};

/** POST /api/v1/lint: advertising-law check of message copy; GET /api/v1/lint/policy: quiet hours and caps. */
export async function lintRoutes(server: FastifyInstance): Promise<void> {
  server.post('/api/v1/lint', {
    config: { permission: 'lint:read' },
    schema: {
      summary: 'Check message copy against the Advertising Law and SMS rules (广告法检查)',
      tags: ['privacy'],
      body: {
        type: 'object', required: ['text'], additionalProperties: false,
        properties: { text: { type: 'string', maxLength: 20000 }, channel: { type: 'string', enum: COPY_CHANNELS, default: 'other' } },
      },
      response: {
        200: {
          type: 'object',
          properties: { ok: { type: 'boolean' }, channel: { type: 'string' }, length: { type: 'integer' }, smsSegments: { type: 'integer' }, findings: { type: 'array', items: finding } },
        },
      },
    },
  }, async (req) => {
    const b = req.body as { text: string; channel?: CopyChannel };
    return lintCopy(b.text, b.channel ?? 'other');
  });

  server.get('/api/v1/lint/policy', {
    config: { permission: 'lint:read' },
    schema: {
      summary: 'Quiet hours and frequency caps for marketing sends (免打扰与频次上限); nothing sends yet',
      tags: ['privacy'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => DEFAULT_SEND_POLICY);
}
