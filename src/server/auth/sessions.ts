/**
 * Console sessions (会话): login with throttling (loginAttempts.ts), logout, changing one's own password, and the
 * token → caller lookup of every request. Session tokens are stored as SHA-256 hashes; instants are epoch ms
 * compared with the server's clock, whatever its time zone.
 */
import type { App } from '../../app/context.ts';
import { isRole } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';
import { auditAdmin, auditLogin } from '../../privacy/trail.ts';
import { hashPassword, randomSecret, tokenHash, verifyNobody, verifyPassword } from './passwords.ts';
import { assertStrongPassword } from './strength.ts';
import { attemptSucceeded, takeAttempt } from './loginAttempts.ts';
import { resolveApiKey } from './apiKeys.ts';
import { forgetAllTokens } from './tokenCache.ts';
import type { Principal } from './scope.ts';

type Db = Pick<App, 'state' | 'audit' | 'actor'>;

export const SESSION_HOURS = 12;
const SESSION_MS = SESSION_HOURS * 3_600_000;

export interface Session { token: string; expires_at: string; role: string; must_change_password: boolean }

type Account = { password_hash: string; role: string; disabled: number; must_change_password: number };

/** The password check itself, with the same scrypt work whether the account exists, is disabled or not. */
async function checkPassword(app: Db, username: string, password: string): Promise<{ account: Account | null; exists: boolean }> {
  const u = await app.state.get<Account>('select password_hash, role, disabled, must_change_password from users where username = $u', { u: username });
  if (!u) return { account: await verifyNobody(password).then(() => null), exists: false };
  const right = await verifyPassword(password, u.password_hash);
  return { account: right && Number(u.disabled) === 0 ? u : null, exists: true };
}

export async function login(app: Db, username: string, password: string, ip?: string): Promise<Session> {
  await takeAttempt(app, username, ip);
  const { account: u, exists } = await checkPassword(app, username, password);
  await auditLogin(app, { user: exists ? username : '(unknown)', ok: !!u, via: 'password', ip });
  if (!u) throw new UserError('login_failed', 'Wrong user name or password.', '用户名或密码错误。', 401);
  await attemptSucceeded(app, username, ip);
  return openSession(app, username, u.role, Number(u.must_change_password) === 1);
}

async function openSession(app: Db, username: string, role: string, mustChange: boolean): Promise<Session> {
  const token = `ss_${randomSecret(32)}`;
  const now = Date.now();
  const expires = now + SESSION_MS;
  await app.state.transaction(async () => {
    await app.state.run('insert into sessions (token_hash, username, created_at, expires_at) values ($h, $u, $now, $e)', { h: tokenHash(token), u: username, now, e: expires });
    await app.state.run('update users set last_login_at = $now where username = $u', { u: username, now });
    await app.state.run('delete from sessions where username = $u and expires_at <= $now', { u: username, now });
  });
  return { token, expires_at: new Date(expires).toISOString(), role, must_change_password: mustChange };
}

export async function logout(app: Pick<App, 'state'>, token: string): Promise<void> {
  await app.state.run('delete from sessions where token_hash = $h', { h: tokenHash(token) });
}

/**
 * A console user changes their own password (also the way out of a one-time password): the current one is checked
 * as a login is (and throttled the same way), every session of theirs ends, and a fresh one is returned.
 */
export async function changeOwnPassword(app: Db, username: string, oldPassword: string, newPassword: string, ip?: string): Promise<Session> {
  await assertStrongPassword(newPassword, [username]);
  if (newPassword === oldPassword) throw new UserError('same_password', 'The new password must differ from the current one.', '新密码不能与当前密码相同。');
  await takeAttempt(app, username, ip);
  const { account: u } = await checkPassword(app, username, oldPassword);
  if (!u) {
    await auditLogin(app, { user: username, ok: false, via: 'password', ip });
    throw new UserError('wrong_password', 'The current password is wrong.', '当前密码错误。', 401);
  }
  await attemptSucceeded(app, username, ip);
  const hash = await hashPassword(newPassword);
  await app.state.transaction(async () => {
    await app.state.run('update users set password_hash = $h, must_change_password = 0 where username = $u', { u: username, h: hash });
    await app.state.run('delete from sessions where username = $u', { u: username });
  });
  forgetAllTokens();
  await auditAdmin({ ...app, actor: `user:${username}` }, { what: 'user.password', target: `user:${username}` });
  return openSession(app, username, u.role, false);
}

/** A console session or an API key → who is calling; null when unknown, expired, revoked or disabled. */
export async function resolveToken(app: Pick<App, 'state'>, token: string, now = Date.now()): Promise<Principal | null> {
  if (!token.startsWith('ss_')) return resolveApiKey(app, token, now);
  const r = await app.state.get<{ username: string; role: string; staff_code: string | null; must_change_password: number; expires_at: number }>(
    `select u.username, u.role, u.staff_code, u.must_change_password, s.expires_at from sessions s join users u on u.username = s.username
      where s.token_hash = $h and s.expires_at > $now and u.disabled = 0`,
    { h: tokenHash(token), now },
  );
  if (!r || !isRole(r.role)) return null;
  return { kind: 'user', id: r.username, role: r.role, staffCode: r.staff_code, mustChangePassword: Number(r.must_change_password) === 1, expiresAt: Number(r.expires_at) };
}
