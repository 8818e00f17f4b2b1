/** Shared by the test/auth-*.test.ts files: a real server on 127.0.0.1 over a fresh store, and HTTP calls to it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer, type ServerOptions } from '../src/server/app.ts';

export interface Live {
  dir: string;
  app: App;
  server: FastifyInstance;
  base: string;
  /** What the first start announced (the owner's one-time password). */
  said: string[];
  /** Stops the server and closes the store (the directory stays, for a restart). */
  stop(): Promise<void>;
}

export async function liveServer(opts: { dir?: string } & ServerOptions = {}): Promise<Live> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'siyu-auth-'));
  const app = await openApp({ dir });
  const said: string[] = [];
  const server = await buildServer(app, { announce: (t) => said.push(t), ...opts });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const port = (server.server.address() as { port: number }).port;
  return {
    dir, app, server, said, base: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      await app.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function announcedPassword(said: string[]): string {
  const pw = /one-time password (\S+)/.exec(said.join('\n'))?.[1];
  if (!pw) throw new Error(`no one-time password announced: ${said.join(' | ')}`);
  return pw;
}

export interface Answer { status: number; headers: Headers; body: any }

export async function call(base: string, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const r = await fetch(base + path, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    redirect: 'manual',
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, headers: r.headers, body };
}

export function login(base: string, username: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
  return call(base, 'POST', '/api/v1/auth/login', { body: { username, password }, headers });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
