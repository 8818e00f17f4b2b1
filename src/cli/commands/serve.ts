import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { openApp } from '../../app/context.ts';
import { buildServer } from '../../server/app.ts';
import { writeLock, removeLock } from '../../server/lock.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';
import { UserError } from '../../errors.ts';
import { loadDemoIfEmpty } from '../../demo/loadIfEmpty.ts';
import { startDailyJobs } from '../../server/jobs.ts';
import { createServer } from 'node:net';

/**
 * Fails early, before the store is touched (no owner created, no password printed, no demo loaded), when the port
 * cannot be had: taken by another program, or not allowed.
 */
async function assertCanListen(host: string, port: number): Promise<void> {
  const probe = createServer();
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    probe.once('error', (e) => resolve(e));
    probe.listen({ port, host }, () => resolve(null));
  });
  await new Promise((r) => probe.close(() => r(undefined)));
  if (!error) return;
  if (error.code === 'EADDRINUSE') {
    throw new UserError('port_in_use', `Cannot listen on ${host}:${port}: the port is already in use (another Siyu server or program). Stop it, or serve on another port: siyu serve --port ${port === 65535 ? 3001 : port + 1}`,
      `无法监听 ${host}:${port}：端口已被占用（另一个 Siyu 服务器或程序）。请先停止它，或换一个端口：siyu serve --port ${port === 65535 ? 3001 : port + 1}`);
  }
  if (error.code === 'EACCES') {
    throw new UserError('port_not_allowed', `Cannot listen on ${host}:${port}: not allowed (ports below 1024 need privileges). Use another one, e.g. --port 3000.`, `无法监听 ${host}:${port}：无权限（1024 以下的端口需要特权）。请换一个，如 --port 3000。`);
  }
  throw new UserError('listen_failed', `Cannot listen on ${host}:${port}: ${error.message}`, `无法监听 ${host}:${port}：${error.message}`);
}

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
      await assertCanListen(o.host, port);
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
        await app.close();
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
        await app.close();
        throw new UserError('listen_failed', `Cannot listen on ${o.host}:${port}: ${(e as Error).message}`, `无法监听 ${o.host}:${port}：${(e as Error).message}`);
      }
      stopJobs = startDailyJobs(app, server.log);
      const s = await workspaceStats(app.warehouse, app.workspaceId);
      env.output.err(`Siyu serving on http://${o.host}:${port} — ${s.customers} customers, ${s.orders} orders, ${s.events} events (API docs: /docs)`);
      await new Promise(() => undefined);
    });
}
