/**
 * Masking by role in every API response (脱敏): a serialisation hook that removes ciphertexts (`*_cipher`) and
 * masks any phone number or e-mail address that reached a response. Routes that deliberately return decrypted
 * data declare `config.rawPii` (unmask, the data-subject copy); they need a permission only owners and admins
 * hold by default, and audit every use.
 */
import type { FastifyInstance } from 'fastify';
import { maskText } from '../../domain/privacy/mask.ts';

export function maskPayload(v: unknown, depth = 0): unknown {
  if (depth > 32) return v;
  if (typeof v === 'string') return maskText(v);
  if (Array.isArray(v)) return v.map((x) => maskPayload(x, depth + 1));
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith('_cipher')) continue;
      o[k] = maskPayload(x, depth + 1);
    }
    return o;
  }
  return v;
}

export function installMasking(server: FastifyInstance): void {
  server.addHook('preSerialization', async (req, _reply, payload) => {
    if (req.routeOptions.config?.rawPii) return payload;
    const url = req.routeOptions.url ?? '';
    if (url === '/internal/cli' || url.startsWith('/docs')) return payload;
    return maskPayload(payload);
  });
}
