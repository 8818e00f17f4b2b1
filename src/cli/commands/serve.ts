import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { openApp } from '../../app/context.ts';
import { buildServer } from '../../server/app.ts';
import { writeLock, removeLock } from '../../server/lock.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';
import { UserError } from '../../errors.ts';
import { loadDemoIfEmpty } from '../../demo/loadIfEmpty.ts';
import { startDailyJobs } from '../../server/jobs.ts';

export function registerServe(program: Command, env: CommandEnv): void {
  program
    .command('serve')
    .description('Serve the HTTP API, collection endpoints and report (what `npm start` runs) / 启动服务')
    .option('--port <port>', 'port to listen on', '3000')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--demo-if-empty', 'load the demo brand first when the store has no customers')
    .action(async (o: { port: string; host: string; demoIfEmpty?: boolean }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('bad_port', `--port must be a port number, not '${o.port}'.`, `--port 必须是端口号，而不是 '${o.port}'。`);
      const app = await openApp({ actor: 'server' });
      if (o.demoIfEmpty) await loadDemoIfEmpty(app, env.output);
      const lock = writeLock(app.dir, port, o.host);
      const server = await buildServer(app, { logger: true, cliToken: lock.token });
      let stopJobs = () => undefined as void;
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        server.log.info({ signal }, 'shutting down');
        stopJobs();
        await server.close();
        removeLock(app.dir, lock);
        app.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
      try {
        await server.listen({ port, host: o.host });
      } catch (e) {
        // Close what the server started (the collector's loader and log thread), or the process never exits.
        await server.close().catch(() => undefined);
        removeLock(app.dir, lock);
        app.close();
        throw new UserError('listen_failed', `Cannot listen on ${o.host}:${port}: ${(e as Error).message}`, `无法监听 ${o.host}:${port}：${(e as Error).message}`);
      }
      stopJobs = startDailyJobs(app, server.log);
      const s = await workspaceStats(app.warehouse, app.workspaceId);
      env.output.err(`Siyu serving on http://${o.host}:${port} — ${s.customers} customers, ${s.orders} orders, ${s.events} events (API docs: /docs)`);
      await new Promise(() => undefined);
    });
}
