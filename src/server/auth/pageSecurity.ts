/**
 * Response headers that protect the console's pages and the personal data it returns:
 * - every HTML page (the report, /login, /docs) gets `X-Frame-Options: DENY` and a Content-Security-Policy whose
 *   `script-src` allows this server's files and exactly the inline scripts of that page (by SHA-256), nothing else;
 * - responses that carry decrypted personal information (`config.rawPii`) and the auth routes (tokens, one-time
 *   passwords) get `Cache-Control: no-store`;
 * - a page shown to a signed-in console user gets a small account bar (change password, log out; accountBar.ts).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { accountBar } from './accountBar.ts';

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

/** The CSP hash sources of a page's inline scripts (data blocks such as type="application/json" are not scripts). */
export function inlineScriptHashes(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(SCRIPT)) {
    const attrs = m[1];
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type && !/^(text\/javascript|application\/javascript|module)$/.test(type)) continue;
    out.add(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return [...out];
}

export function contentSecurityPolicy(html: string | null): string {
  const scripts = ["'self'", ...(html ? inlineScriptHashes(html) : [])].join(' ');
  return [
    "default-src 'self'", `script-src ${scripts}`, "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

export function installPageSecurity(server: FastifyInstance): void {
  server.addHook('onSend', async (req, reply, payload) => {
    const url = req.routeOptions.url ?? '';
    if (req.routeOptions.config?.rawPii || url.startsWith('/api/v1/auth/') || url.startsWith('/api/v1/users')) {
      reply.header('cache-control', 'no-store');
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) return payload;
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      reply.header('content-security-policy', contentSecurityPolicy(null));
      return payload;
    }
    let html = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
    const p = req.principal;
    if (p?.kind === 'user' && reply.statusCode === 200 && url !== '/login' && !url.startsWith('/docs')) html = accountBar(html, p.id, req.url);
    reply.header('content-security-policy', contentSecurityPolicy(html));
    return html;
  });
}
