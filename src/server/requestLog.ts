/**
 * What the server's terminal shows (`npm start`, `siyu serve`): one line per request — method, path (never the
 * query: collection URLs carry keys), status, milliseconds. On a terminal (TTY) the lines are for people
 * (`14:03:07  GET /api/v1/stats 200 4 ms`); otherwise JSON, one object a line, for a log collector. Requests to
 * /healthz are left out unless SIYU_LOG_HEALTH=1 (src/config.ts).
 */
import { Writable } from 'node:stream';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { scrub } from '../logging.ts';

/** Fastify's own per-request lines, replaced by one line per request (and none for /healthz unless asked). */
export class RequestLog extends LogController {
  constructor(opts: { healthChecks: boolean }) {
    super({ disableRequestLogging: (req: { url?: string }) => !opts.healthChecks && String(req.url ?? '').split('?')[0] === '/healthz' });
  }

  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { method: request.method, path: scrub(String(request.url).split('?')[0]), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...line, err: { message: scrub(String(error.message)) } }, 'request');
    else reply.log.info(line, 'request');
  }
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'v']);

/** One pino JSON record as a line for people. */
export function readableLine(json: string): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.replace(/\n$/, '');
  }
  const t = new Date(typeof r.time === 'number' ? r.time : Date.now());
  const hms = [t.getHours(), t.getMinutes(), t.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  if (r.msg === 'request' && typeof r.method === 'string') return `${hms}  ${r.method} ${String(r.path)} ${String(r.status)} ${String(r.ms)} ms`;
  const level = LEVELS[Number(r.level)] ?? String(r.level);
  const rest = Object.entries(r).filter(([k]) => !QUIET.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${hms}  ${level === 'INFO' ? '' : `${level} `}${String(r.msg ?? '')}${rest.length ? `  ${rest.join(' ')}` : ''}`;
}

/** Where the server logs: readable lines on a terminal, JSON lines elsewhere. */
export function logDestination(out: NodeJS.WriteStream = process.stdout): NodeJS.WritableStream {
  if (!out.isTTY) return out;
  let pending = '';
  return new Writable({
    write(chunk, _enc, done) {
      pending += String(chunk);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length) out.write(`${lines.filter(Boolean).map(readableLine).join('\n')}\n`);
      done();
    },
  });
}
