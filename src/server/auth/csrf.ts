/**
 * Cross-site request forgery (CSRF) defence for the session cookie: a state-changing request (anything but GET,
 * HEAD, OPTIONS) that a browser authenticated with the cookie must say, in Origin or else Referer, that it comes
 * from a page of this very server (same host and port). Requests with `Authorization: Bearer …` are exempt: a
 * foreign page cannot make a browser send that header. The cookie is also SameSite=Lax (cookies.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(req: FastifyRequest): boolean {
  return !SAFE.has(req.method);
}

function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** The request's Origin (or Referer) names this server: the host it was sent to (X-Forwarded-Host behind a trusted proxy). */
export function fromThisServer(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  const source = origin && origin !== 'null' ? origin : req.headers.referer;
  if (!source) return false;
  const claimed = hostOf(source);
  const own = hostOf(`${req.protocol}://${req.host}`);
  return claimed !== null && claimed === own;
}

export function csrfRefusal(reply: FastifyReply): FastifyReply {
  return reply.status(403).send({
    error: 'cross_site_request',
    message: 'This request, authenticated by the session cookie, does not come from a page of this server (Origin/Referer). Send it from the console, or use an API key.',
    message_zh: '该请求使用会话 Cookie 认证，但并非来自本服务器的页面（Origin/Referer 不符）。请在控制台内操作，或使用 API 密钥。',
  });
}
