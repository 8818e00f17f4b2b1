/**
 * Console users (控制台账号), sessions and scoped API keys. Secrets are returned once, at creation; the store
 * keeps only hashes.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../../app/context.ts';
import { isRole, ROLES, type Role, parsePermission, roleAllows } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';
import { auditAdmin, auditLogin } from '../../privacy/trail.ts';
import { hashPassword, verifyPassword, randomSecret, tokenHash, passwordProblem } from './passwords.ts';
import type { Principal } from './scope.ts';

type Db = Pick<App, 'warehouse' | 'audit' | 'actor'>;

export const SESSION_HOURS = 12;

export type UserRow = { username: string; role: string; staff_code: string | null; disabled: boolean; must_change_password: boolean; created_at: string; last_login_at: string | null };

function assertRole(role: string): asserts role is Role {
  if (!isRole(role)) throw new UserError('bad_role', `Role must be one of ${ROLES.join(', ')}.`, `角色必须是 ${ROLES.join('、')} 之一。`);
}

function assertPassword(pw: string): void {
  const p = passwordProblem(pw);
  if (p) throw new UserError('weak_password', `The password needs ${p}.`, '密码强度不足：至少 10 位，且需混合字母与数字或符号。');
}

export async function createUser(app: Db, u: { username: string; role: string; password?: string; staffCode?: string; mustChange?: boolean }): Promise<{ username: string; password: string }> {
  assertRole(u.role);
  if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(u.username)) throw new UserError('bad_username', 'User names are 2–64 letters, digits, _ . @ -.', '用户名应为 2–64 位字母、数字或 _ . @ -。');
  if (u.role === 'guide' && !u.staffCode) throw new UserError('guide_needs_staff', 'A store guide needs --staff-code (the customers they own).', '导购账号需要 --staff-code（其名下客户）。');
  if (await app.warehouse.scalar('select count(*) from users where username = $u', { u: u.username })) throw new UserError('user_exists', `User ${u.username} exists.`, `用户 ${u.username} 已存在。`, 409);
  const password = u.password ?? randomSecret(12);
  if (u.password) assertPassword(u.password);
  await app.warehouse.run(
    `insert into users (username, role, password_hash, staff_code, must_change_password) values ($u, $r, $h, $s, $m)`,
    { u: u.username, r: u.role, h: await hashPassword(password), s: u.staffCode ?? null, m: u.mustChange ?? !u.password },
  );
  await auditAdmin(app, { what: 'user.create', target: `user:${u.username}`, detail: { role: u.role, staff_code: u.staffCode } });
  return { username: u.username, password };
}

export async function listUsers(app: Pick<App, 'warehouse'>): Promise<UserRow[]> {
  return app.warehouse.all<UserRow>(`select username, role, staff_code, disabled, must_change_password, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') as created_at, strftime(last_login_at, '%Y-%m-%dT%H:%M:%SZ') as last_login_at from users order by username`);
}

async function mustExist(app: Pick<App, 'warehouse'>, username: string): Promise<void> {
  if (!(await app.warehouse.scalar('select count(*) from users where username = $u', { u: username }))) throw new UserError('no_user', `No user ${username}.`, `用户 ${username} 不存在。`, 404);
}

export async function setPassword(app: Db, username: string, password: string, byAdmin = true): Promise<void> {
  await mustExist(app, username);
  assertPassword(password);
  await app.warehouse.run('update users set password_hash = $h, must_change_password = $m where username = $u', { u: username, h: await hashPassword(password), m: byAdmin && app.actor !== `user:${username}` });
  await app.warehouse.run('delete from sessions where username = $u', { u: username });
  await auditAdmin(app, { what: 'user.password', target: `user:${username}` });
}

export async function updateUser(app: Db, username: string, ch: { role?: string; disabled?: boolean; staffCode?: string }): Promise<void> {
  await mustExist(app, username);
  if (ch.role !== undefined) assertRole(ch.role);
  if ((ch.role && ch.role !== 'owner') || ch.disabled) {
    const owners = await app.warehouse.scalar(`select count(*) from users where role = 'owner' and not disabled and username <> $u`, { u: username });
    const isOwner = await app.warehouse.scalar(`select count(*) from users where role = 'owner' and username = $u`, { u: username });
    if (isOwner && owners === 0) throw new UserError('last_owner', 'The last owner cannot be demoted or disabled.', '不能降级或停用最后一个所有者账号。', 409);
  }
  await app.warehouse.run(
    `update users set role = coalesce($r, role), disabled = coalesce($d, disabled), staff_code = coalesce($s, staff_code) where username = $u`,
    { u: username, r: ch.role ?? null, d: ch.disabled ?? null, s: ch.staffCode ?? null },
  );
  if (ch.disabled || ch.role) await app.warehouse.run('delete from sessions where username = $u', { u: username });
  await auditAdmin(app, { what: 'user.update', target: `user:${username}`, detail: ch });
}

/** First start: an owner account with a one-time password (returned once; the caller prints it once). */
export async function ensureOwner(app: Db): Promise<{ username: string; password: string } | null> {
  if (await app.warehouse.scalar('select count(*) from users')) return null;
  return createUser({ ...app, actor: 'system' }, { username: 'owner', role: 'owner', mustChange: true });
}

export async function login(app: Db, username: string, password: string, ip?: string): Promise<{ token: string; expires_at: string; role: string; must_change_password: boolean }> {
  const u = await app.warehouse.get<{ password_hash: string; role: string; disabled: boolean; must_change_password: boolean }>('select password_hash, role, disabled, must_change_password from users where username = $u', { u: username });
  const ok = !!u && !u.disabled && (await verifyPassword(password, u.password_hash));
  await auditLogin(app, { user: u ? username : '(unknown)', ok, via: 'password', ip });
  if (!ok) throw new UserError('login_failed', 'Wrong user name or password.', '用户名或密码错误。', 401);
  const token = `ss_${randomSecret(32)}`;
  const expires = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await app.warehouse.run(`insert into sessions (token_hash, username, expires_at) values ($h, $u, $e::timestamp)`, { h: tokenHash(token), u: username, e: expires.toISOString().replace('T', ' ').replace('Z', '') });
  await app.warehouse.run('update users set last_login_at = current_timestamp where username = $u', { u: username });
  return { token, expires_at: expires.toISOString(), role: u!.role, must_change_password: u!.must_change_password };
}

export async function logout(app: Pick<App, 'warehouse'>, token: string): Promise<void> {
  await app.warehouse.run('delete from sessions where token_hash = $h', { h: tokenHash(token) });
}

/** A console session or an API key → who is calling; null when unknown, expired, revoked or disabled. */
export async function resolveToken(app: Pick<App, 'warehouse'>, token: string): Promise<Principal | null> {
  if (token.startsWith('ss_')) {
    const r = await app.warehouse.get<{ username: string; role: string; staff_code: string | null }>(
      `select u.username, u.role, u.staff_code from sessions s join users u using (username) where s.token_hash = $h and s.expires_at > current_timestamp::timestamp and not u.disabled`,
      { h: tokenHash(token) },
    );
    return r && isRole(r.role) ? { kind: 'user', id: r.username, role: r.role, staffCode: r.staff_code } : null;
  }
  const m = /^sk_([a-f0-9]{8})_([A-Za-z0-9_-]{20,})$/.exec(token);
  if (!m) return null;
  const k = await app.warehouse.get<{ role: string; scopes: string; staff_code: string | null; secret_hash: string }>(
    `select role, scopes, staff_code, secret_hash from api_keys where id = $id and revoked_at is null and (expires_at is null or expires_at > current_timestamp::timestamp)`,
    { id: m[1] },
  );
  if (!k || !isRole(k.role) || k.secret_hash !== tokenHash(m[2])) return null;
  return { kind: 'api_key', id: `key:${m[1]}`, role: k.role, scopes: k.scopes.split(','), staffCode: k.staff_code };
}

/** A scoped API key for an integration: its role caps it, its scopes narrow it further. */
export async function createApiKey(app: Db, k: { name: string; role: string; scopes?: string[]; staffCode?: string; expiresDays?: number }): Promise<{ id: string; key: string }> {
  assertRole(k.role);
  const scopes = k.scopes?.length ? k.scopes : ['*'];
  for (const s of scopes) {
    if (s !== '*' && (!parsePermission(s) || !roleAllows(k.role, s))) throw new UserError('bad_scope', `Scope '${s}' is not a permission the role ${k.role} holds.`, `范围 '${s}' 不在角色 ${k.role} 的权限内。`);
  }
  const hex = randomBytes(4).toString('hex');
  const secret = randomSecret(32);
  const expires = k.expiresDays ? new Date(Date.now() + k.expiresDays * 86_400_000).toISOString().replace('T', ' ').replace('Z', '') : null;
  await app.warehouse.run(
    `insert into api_keys (id, secret_hash, name, role, scopes, staff_code, created_by, expires_at) values ($id, $h, $n, $r, $s, $sc, $by, $e::timestamp)`,
    { id: hex, h: tokenHash(secret), n: k.name, r: k.role, s: scopes.join(','), sc: k.staffCode ?? null, by: app.actor, e: expires },
  );
  await auditAdmin(app, { what: 'apikey.create', target: `key:${hex}`, detail: { role: k.role, scopes } });
  return { id: hex, key: `sk_${hex}_${secret}` };
}

export async function revokeApiKey(app: Db, id: string): Promise<void> {
  if (!(await app.warehouse.scalar('select count(*) from api_keys where id = $id and revoked_at is null', { id }))) throw new UserError('no_key', `No active API key ${id}.`, `API 密钥 ${id} 不存在或已吊销。`, 404);
  await app.warehouse.run('update api_keys set revoked_at = current_timestamp where id = $id', { id });
  await auditAdmin(app, { what: 'apikey.revoke', target: `key:${id}` });
}

export async function listApiKeys(app: Pick<App, 'warehouse'>): Promise<Record<string, unknown>[]> {
  return app.warehouse.all(`select id, name, role, scopes, staff_code, created_by, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') as created_at, strftime(expires_at, '%Y-%m-%dT%H:%M:%SZ') as expires_at, strftime(revoked_at, '%Y-%m-%dT%H:%M:%SZ') as revoked_at from api_keys order by created_at`);
}
