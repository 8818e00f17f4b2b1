import { gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LIMITS, tooLarge, invalid } from '../domain/collect/limits.ts';

/** HTTP details shared by the collection endpoints: bodies (gzip), CORS, Basic-auth write keys, the 1×1 GIF. */

/** A transparent 1×1 GIF: what image-beacon requests (神策 GET /sa.gif) get back. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The request body as bytes, inflated when Content-Encoding says gzip/deflate, within the size limit. */
export function bodyBytes(req: FastifyRequest): Buffer {
  const raw = req.body;
  let buf = Buffer.isBuffer(raw) ? raw : typeof raw === 'string' ? Buffer.from(raw) : Buffer.alloc(0);
  const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (enc === 'gzip' || enc === 'deflate') {
    try {
      buf = (enc === 'gzip' ? gunzipSync : inflateSync)(buf, { maxOutputLength: LIMITS.bodyBytes });
    } catch (e) {
      if (/maxOutputLength|larger than/i.test(String((e as Error).message))) throw tooLarge('The decompressed request body', LIMITS.bodyBytes + 1, LIMITS.bodyBytes);
      throw invalid('bad_encoding', `Content-Encoding is ${enc} but the body is not ${enc}-compressed.`, `Content-Encoding 为 ${enc}，但请求体不是该压缩格式。`);
    }
  }
  return buf;
}

/** The write key from `Authorization: Basic base64(key:)` (how the Segment SDKs send it). */
export function basicAuthKey(req: FastifyRequest): string | null {
  const h = String(req.headers.authorization ?? '');
  const m = /^Basic\s+(.+)$/i.exec(h);
  if (!m) return null;
  const decoded = Buffer.from(m[1].trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return (i < 0 ? decoded : decoded.slice(0, i)) || null;
}

/** CORS for browsers: any origin may send (write keys are public by design), with the SDKs' headers. */
export function cors(req: FastifyRequest, reply: FastifyReply): void {
  const origin = req.headers.origin;
  reply.header('access-control-allow-origin', origin ?? '*');
  if (origin) {
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
  }
  reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  reply.header('access-control-allow-headers', String(req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization, X-Requested-With, Content-Encoding, Dry-Run'));
  reply.header('access-control-max-age', '86400');
  // Chromium's Private Network Access: a public site sending to a collector on an intranet address asks first.
  if (req.headers['access-control-request-private-network'] === 'true') reply.header('access-control-allow-private-network', 'true');
}
