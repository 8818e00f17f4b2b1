/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on another site's sub-requests and
 * form posts; csrf.ts checks the origin of state-changing requests as well), and Secure when the request came over
 * HTTPS — directly, or per `X-Forwarded-Proto` from a proxy the server trusts (SIYU_TRUST_PROXY, src/config.ts).
 */
import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './hook.ts';

export function sessionCookie(req: FastifyRequest, token: string, maxAgeSeconds: number): string {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}

export function clearedCookie(req: FastifyRequest): string {
  return sessionCookie(req, '', 0);
}
