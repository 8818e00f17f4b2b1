/**
 * The global access check (访问控制), one fastify hook for every route:
 * - `config.public` routes (/healthz, collection endpoints with their own write keys, login) and /docs answer anyone;
 * - /internal/cli checks its own token (server.json);
 * - everything else needs a console session or an API key (`Authorization: Bearer …`, or the `siyu_session`
 *   cookie) whose role — and, for a key, scopes — hold the route's `config.permission`;
 * - a state-changing request authenticated by the cookie must come from a page of this server (csrf.ts);
 * - a session still on a one-time password may only change it, log out and ask who it is;
 * - a route that declares neither is denied to everyone (safe default).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { roleAllows, scopesAllow } from '../../domain/privacy/roles.ts';
import { resolveToken } from './sessions.ts';
import type { Principal } from './scope.ts';
import { safeNext } from '../routes/login.ts';
import { cachedPrincipal } from './tokenCache.ts';
import { csrfRefusal, isStateChanging, fromThisServer } from './csrf.ts';

export { forgetToken } from './tokenCache.ts';

export const SESSION_COOKIE = 'siyu_session';

/** What a session on a one-time password may still call. */
export const PASSWORD_CHANGE_ROUTES = new Set(['POST /api/v1/auth/password', 'POST /api/v1/auth/logout', 'GET /api/v1/auth/me']);

export function credentialOf(req: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | null {
  const h = req.headers.authorization;
  if (h && /^Bearer\s+/i.test(h)) return { token: h.replace(/^Bearer\s+/i, '').trim(), via: 'bearer' };
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === SESSION_COOKIE) {
        try {
          return { token: decodeURIComponent(v.join('=')), via: 'cookie' };
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}

export function tokenOf(req: FastifyRequest): string | null {
  return credentialOf(req)?.token ?? null;
}

export function mayAccess(p: Principal, permission: string): boolean {
  return roleAllows(p.role, permission) && (!p.scopes || scopesAllow(p.scopes, permission));
}

function wantsPage(req: FastifyRequest, url: string): boolean {
  return req.method === 'GET' && !url.startsWith('/api/') && String(req.headers.accept ?? '').includes('text/html');
}

export function installAuth(server: FastifyInstance, app: App): void {
  server.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined) return;                        // no such route: the 404 handler answers
    const cfg = req.routeOptions.config ?? {};
    // signing in from another site's page (login CSRF) is refused; API clients send no Origin
    if (url === '/api/v1/auth/login' && req.headers.origin && !fromThisServer(req)) return csrfRefusal(reply);
    if (cfg.public) return;
    if (url === '/internal/cli') return;                  // its own token, checked by the route
    if (url === '/docs' || url.startsWith('/docs/')) return;
    const cred = credentialOf(req);
    const principal = cred ? await cachedPrincipal(cred.token, () => resolveToken(app, cred.token)) : null;
    if (!principal) {
      if (wantsPage(req, url)) return reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 302);
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Log in or send an API key.', message_zh: '请先登录或提供 API 密钥。' });
    }
    if (cred!.via === 'cookie' && isStateChanging(req) && !fromThisServer(req)) return csrfRefusal(reply);
    req.principal = principal;
    if (principal.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(`${req.method} ${url}`)) {
      if (wantsPage(req, url)) return reply.redirect(`/login?change=1&next=${encodeURIComponent(safeNext(req.url))}`, 302);
      return reply.status(403).send({
        error: 'password_change_required',
        message: 'Change your one-time password first (POST /api/v1/auth/password with old_password and new_password).',
        message_zh: '请先修改一次性密码（POST /api/v1/auth/password，提供 old_password 与 new_password）。',
      });
    }
    if (!cfg.permission || !mayAccess(principal, cfg.permission)) {
      return reply.status(403).send({ error: 'forbidden', message: `Your role (${principal.role}) may not do this.`, message_zh: `您的角色（${principal.role}）无此权限。` });
    }
  });
}
