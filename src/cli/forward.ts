import { request } from 'node:http';
import type { ServerLock } from '../server/lock.ts';
import type { Output } from './output.ts';
import { UserError } from '../errors.ts';

/**
 * DuckDB lets one process write a file. While `siyu serve` holds the store, other commands run inside the
 * server: the CLI sends argv (and its working directory) to /internal/cli and prints what comes back.
 */
export async function forward(lock: ServerLock, argv: string[], cwd: string, output: Output): Promise<number> {
  const body = JSON.stringify({ argv, cwd });
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: lock.port, path: '/internal/cli', method: 'POST', headers: { 'content-type': 'application/json', 'x-siyu-token': lock.token } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.setTimeout(0);
    req.end(body);
  }).catch(() => {
    throw new UserError('server_unreachable', `A Siyu server (pid ${lock.pid}) holds the store but does not answer on port ${lock.port}.`, `Siyu 服务器（pid ${lock.pid}）占用了数据库，但端口 ${lock.port} 无响应。`);
  });
  if (res.status !== 200) throw new UserError('forward_failed', `The running server refused the command (HTTP ${res.status}).`, `运行中的服务器拒绝了该命令（HTTP ${res.status}）。`);
  const r = JSON.parse(res.text) as { code: number; stdout: string; stderr: string };
  if (r.stdout) output.out(r.stdout.replace(/\n$/, ''));
  if (r.stderr) output.err(r.stderr.replace(/\n$/, ''));
  return r.code;
}
