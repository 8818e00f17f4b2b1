/**
 * The global access check (访问控制), one fastify hook for every route:
 * - `config.public` routes (/healthz, collection endpoints with their own write keys, login) and /docs answer anyone;
 * - /internal/cli checks its own token (server.json);
 * - everything else needs a console session or an API key (`Authorization: Bearer …`, or the `siyu_session`
 *   cookie) whose role — and, for a key, scopes — hold the route's `config.permission`;
 * - a route that declares neither is denied to everyone (safe default).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { roleAllows, scopesAllow } from '../../domain/privacy/roles.ts';
import { resolveToken } from './users.ts';
import type { Principal } from './scope.ts';
import { safeNext } from '../routes/login.ts';

export const SESSION_COOKIE = 'siyu_session';

export function tokenOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) return decodeURIComponent(v.join('='));
    }
  }
  return null;
}

/** Short cache of resolved tokens (10 s): a revoked key or ended session stops working within that time. */
const cache = new Map<string, { p: Principal | null; until: number }>();

async function resolveCached(app: App, token: string): Promise<Principal | null> {
  const hit = cache.get(token);
  if (hit && hit.until > Date.now()) return hit.p;
  const p = await resolveToken(app, token);
  if (cache.size > 10_000) cache.clear();
  cache.set(token, { p, until: Date.now() + 10_000 });
  return p;
}

export function forgetToken(token: string): void {
  cache.delete(token);
}

export function mayAccess(p: Principal, permission: string): boolean {
  return roleAllows(p.role, permission) && (!p.scopes || scopesAllow(p.scopes, permission));
}

export function installAuth(server: FastifyInstance, app: App): void {
  server.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined) return;                        // no such route: the 404 handler answers
    const cfg = req.routeOptions.config ?? {};
    if (cfg.public) return;
    if (url === '/internal/cli') return;                  // its own token, checked by the route
    if (url === '/docs' || url.startsWith('/docs/')) return;
    const token = tokenOf(req);
    const principal = token ? await resolveCached(app, token) : null;
    if (!principal) {
      if (req.method === 'GET' && !url.startsWith('/api/') && String(req.headers.accept ?? '').includes('text/html')) {
        return reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 302);
      }
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Log in or send an API key.', message_zh: '请先登录或提供 API 密钥。' });
    }
    req.principal = principal;
    if (!cfg.permission || !mayAccess(principal, cfg.permission)) {
      return reply.status(403).send({ error: 'forbidden', message: `Your role (${principal.role}) may not do this.`, message_zh: `您的角色（${principal.role}）无此权限。` });
    }
  });
}
