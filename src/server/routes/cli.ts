import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { App } from '../../app/context.ts';
import { appOn } from '../../app/context.ts';
import { bufferOutput } from '../../cli/output.ts';
import { runProgram } from '../../cli/program.ts';

/**
 * Runs a `siyu` command sent by the CLI while this server holds the store. Only callers holding the token from
 * server.json (a 0600 file beside the store) may use it; each command gets its own connection.
 */
export async function cliRoutes(server: FastifyInstance, app: App, token: string | undefined): Promise<void> {
  if (!token) return;
  server.post('/internal/cli', { schema: { hide: true } as never }, async (req, reply) => {
    const given = Buffer.from(String(req.headers['x-siyu-token'] ?? ''));
    const want = Buffer.from(token);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return reply.status(403).send({ error: 'forbidden' });
    const { argv, cwd } = req.body as { argv: string[]; cwd: string };
    const output = bufferOutput();
    const code = await runProgram(argv, {
      output,
      cwd,
      forwarded: true,
      async withApp(fn) {
        const conn = await app.warehouse.fork();
        try {
          return await fn(appOn(app, conn, 'cli'));
        } finally {
          // what the command wrote is durable before its answer (DuckDB's log is not replayed after a crash)
          await conn.checkpoint().catch(() => undefined);
          conn.close();
        }
      },
    });
    return { code, stdout: output.stdout.join(''), stderr: output.stderr.join('') };
  });
}
