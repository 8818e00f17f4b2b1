import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../app/context.ts';
import { registerRoutes } from './routes/index.ts';
import { isUserError } from '../errors.ts';
import { scrub } from '../logging.ts';

export interface ServerOptions {
  /** Structured JSON logs to stdout; off in tests. */
  logger?: boolean;
  /** The token forwarded CLI commands must carry (from server.json). */
  cliToken?: string;
}

/**
 * The HTTP server: schema-validated routes, OpenAPI at /docs, JSON errors. Logs carry method, path (no query:
 * collection URLs carry tokens) and status, never bodies or PII.
 */
export async function buildServer(app: App, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          serializers: {
            req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }),
            res: (res) => ({ status: res.statusCode }),
          },
        }
      : false,
    bodyLimit: 20 * 1024 * 1024,
    disableRequestLogging: false,
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
  await registerRoutes(server, app, opts);
  return server;
}
