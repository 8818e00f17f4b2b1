import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../app/context.ts';
import { registerRoutes } from './routes/index.ts';
import { isUserError } from '../errors.ts';
import { scrub } from '../logging.ts';
import { installAuth } from './auth/hook.ts';
import { installMasking } from './auth/masking.ts';
import { installPageSecurity } from './auth/pageSecurity.ts';
import { ensureOwner } from './auth/users.ts';
import { dummyHash } from './auth/passwords.ts';
import { forgetOldAttempts } from './auth/loginAttempts.ts';
import { RequestLog, logDestination } from './requestLog.ts';
import { logHealthChecks, trustProxy } from '../config.ts';
import './auth/routeConfig.ts';

export interface ServerOptions {
  /** Request and error logs to stdout (readable lines on a terminal, JSON otherwise: requestLog.ts); off in tests. */
  logger?: boolean;
  /** Where the logs go instead of stdout (tests). */
  logStream?: NodeJS.WritableStream;
  /** Believe X-Forwarded-* headers (default: SIYU_TRUST_PROXY, src/config.ts). */
  trustProxy?: boolean | string;
  /** The token forwarded CLI commands must carry (from server.json). */
  cliToken?: string;
  /** Logins and the permission matrix (src/server/auth/hook.ts) are always enforced; accepted for compatibility. */
  auth?: true;
  /** Where the first start prints the owner's one-time password (default: stderr, never the log). */
  announce?: (text: string) => void;
}

/** A route as registered, with what it declares about access (for the permission-matrix test and docs). */
export interface RegisteredRoute { method: string; url: string; permission?: string; public: boolean }
const routeTables = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route registered on a server built by buildServer. */
export function registeredRoutes(server: FastifyInstance): RegisteredRoute[] {
  return routeTables.get(server) ?? [];
}

/**
 * The HTTP server: schema-validated routes, OpenAPI at /docs, JSON errors. Logs carry method, path (no query:
 * collection URLs carry tokens), status and time, never bodies or PII.
 */
export async function buildServer(app: App, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          stream: opts.logStream ?? logDestination(),
          serializers: {
            req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }),
            res: (res) => ({ status: res.statusCode }),
          },
        }
      : false,
    logController: new RequestLog({ healthChecks: logHealthChecks() }),
    trustProxy: opts.trustProxy ?? trustProxy(),
    bodyLimit: 20 * 1024 * 1024,
  });
  await server.register(swagger, {
    openapi: {
      info: { title: 'Siyu API', description: 'Siyu (私域) HTTP API', version: '0.1.0' },
      servers: [],
    },
  });
  await server.register(swaggerUi, { routePrefix: '/docs' });
  server.setErrorHandler((err, req, reply) => {
    if (isUserError(err)) return reply.status(err.status).send(err.toJSON());
    const e = err as { statusCode?: number; validation?: unknown; message?: string };
    if (e.validation || (e.statusCode && e.statusCode < 500)) {
      return reply.status(e.statusCode ?? 400).send({ error: 'bad_request', message: scrub(String(e.message)) });
    }
    req.log.error({ err: { message: scrub(String(e.message)) } }, 'internal error');
    return reply.status(500).send({ error: 'internal', message: 'internal error' });
  });
  const owner = await ensureOwner(app);
  if (owner) {
    (opts.announce ?? ((t: string) => process.stderr.write(t)))(
      `Siyu: created the owner account '${owner.username}' with the one-time password ${owner.password}\n` +
      `      (shown once, never logged: log in and change it) / 已创建所有者账号，一次性密码仅显示这一次。\n`,
    );
  }
  const table: RegisteredRoute[] = [];
  server.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) table.push({ method: String(method), url: r.url, permission: r.config?.permission, public: r.config?.public === true });
  });
  routeTables.set(server, table);
  installAuth(server, app);
  installMasking(server);
  installPageSecurity(server);
  await registerRoutes(server, app, opts);
  await dummyHash();                                  // ready before the first login (unknown names cost the same)
  await forgetOldAttempts(app);
  const tidy = setInterval(() => void forgetOldAttempts(app).catch(() => undefined), 3_600_000);
  tidy.unref();
  server.addHook('onClose', async () => clearInterval(tidy));
  return server;
}
