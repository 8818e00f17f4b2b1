/**
 * For tests: credentials for a role, without going through the login form. Users and sessions are written to the
 * state store, as login writes them.
 *
 *   // server built in-process on an open App:
 *   const headers = await authHeaders(app, 'analyst');
 *   await server.inject({ method: 'GET', url: '/api/v1/stats', headers });
 *
 *   // server spawned as `siyu serve`: seed before spawning (the store is still free)
 *   const headers = await seedAuthHeaders(dir, 'owner');
 *   await fetch(`http://127.0.0.1:${port}/api/v1/stats`, { headers });
 */
import { randomBytes } from 'node:crypto';
import { openApp, type App } from '../../app/context.ts';
import type { Role } from '../../domain/privacy/roles.ts';
import { hashPassword, tokenHash } from './passwords.ts';

let cachedHash: Promise<string> | null = null;

/** A user of that role with a session valid for a day; returns `{ authorization: 'Bearer …' }`. */
export async function authHeaders(app: Pick<App, 'state'>, role: Role, opts: { staffCode?: string; username?: string } = {}): Promise<{ authorization: string }> {
  const username = opts.username ?? `test-${role}-${randomBytes(3).toString('hex')}`;
  cachedHash ??= hashPassword(randomBytes(16).toString('hex'));
  const now = Date.now();
  await app.state.run(
    `insert into users (username, role, password_hash, staff_code, created_at) values ($u, $r, $h, $s, $now) on conflict (username) do nothing`,
    { u: username, r: role, h: await cachedHash, s: opts.staffCode ?? (role === 'guide' ? 'G-TEST' : null), now },
  );
  const token = `ss_${randomBytes(32).toString('base64url')}`;
  await app.state.run('insert into sessions (token_hash, username, created_at, expires_at) values ($h, $u, $now, $e)', { h: tokenHash(token), u: username, now, e: now + 86_400_000 });
  return { authorization: `Bearer ${token}` };
}

/** Same, for a store directory no process holds yet (before spawning `siyu serve`). */
export async function seedAuthHeaders(dir: string, role: Role = 'owner', opts: { staffCode?: string } = {}): Promise<{ authorization: string }> {
  const app = await openApp({ dir });
  try {
    return await authHeaders(app, role, opts);
  } finally {
    await app.close();
  }
}
