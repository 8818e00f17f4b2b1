/**
 * Console users (控制台账号) in the state store. Passwords are scrypt hashes; one-time passwords are returned once, at
 * creation. Only owners manage owners: a caller acting with another role (an admin through the API) cannot create,
 * re-password, demote or disable an owner. `by` is the acting console role; undefined is the host's own CLI, which is
 * trusted as an owner.
 */
import type { App } from '../../app/context.ts';
import { isRole, ROLES, type Role } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';
import { auditAdmin } from '../../privacy/trail.ts';
import { hashPassword, randomSecret } from './passwords.ts';
import { assertStrongPassword } from './strength.ts';
import { clearUserAttempts } from './loginAttempts.ts';
import { forgetAllTokens } from './tokenCache.ts';
import { isoOf } from './apiKeys.ts';

export type Db = Pick<App, 'state' | 'audit' | 'actor'>;
type State = Pick<App, 'state'>;

export { login, logout, changeOwnPassword, resolveToken, SESSION_HOURS } from './sessions.ts';
export { createApiKey, revokeApiKey, listApiKeys } from './apiKeys.ts';

export type UserRow = { username: string; role: string; staff_code: string | null; disabled: boolean; must_change_password: boolean; created_at: string; last_login_at: string | null };

function assertRole(role: string): asserts role is Role {
  if (!isRole(role)) throw new UserError('bad_role', `Role must be one of ${ROLES.join(', ')}.`, `角色必须是 ${ROLES.join('、')} 之一。`);
}

/** Owners are managed by owners only (and by the host's CLI). */
export function assertMayManageOwner(by: Role | undefined, what: string): void {
  if (by !== undefined && by !== 'owner') throw new UserError('owner_only', `Only an owner can ${what} an owner.`, `只有所有者可以${what === 'create' ? '创建' : '管理'}所有者账号。`, 403);
}

export async function createUser(app: Db, u: { username: string; role: string; password?: string; staffCode?: string; mustChange?: boolean }, by?: Role): Promise<{ username: string; password: string }> {
  assertRole(u.role);
  if (u.role === 'owner') assertMayManageOwner(by, 'create');
  if (!/^[A-Za-z0-9_.@-]{2,64}$/.test(u.username)) throw new UserError('bad_username', 'User names are 2–64 letters, digits, _ . @ -.', '用户名应为 2–64 位字母、数字或 _ . @ -。');
  if (u.role === 'guide' && !u.staffCode) throw new UserError('guide_needs_staff', 'A store guide needs --staff-code (the customers they own).', '导购账号需要 --staff-code（其名下客户）。');
  if (u.password) await assertStrongPassword(u.password, [u.username]);
  const password = u.password ?? randomSecret(12);
  const n = await app.state.run(
    `insert into users (username, role, password_hash, staff_code, must_change_password, created_at) values ($u, $r, $h, $s, $m, $now)
      on conflict (username) do nothing`,
    { u: u.username, r: u.role, h: await hashPassword(password), s: u.staffCode ?? null, m: u.mustChange ?? !u.password, now: Date.now() },
  );
  if (n === 0) throw new UserError('user_exists', `User ${u.username} exists.`, `用户 ${u.username} 已存在。`, 409);
  await auditAdmin(app, { what: 'user.create', target: `user:${u.username}`, detail: { role: u.role, staff_code: u.staffCode } });
  return { username: u.username, password };
}

export async function listUsers(app: State): Promise<UserRow[]> {
  const rows = await app.state.all<{ username: string; role: string; staff_code: string | null; disabled: number; must_change_password: number; created_at: number; last_login_at: number | null }>(
    'select username, role, staff_code, disabled, must_change_password, created_at, last_login_at from users order by username',
  );
  return rows.map((r) => ({
    username: r.username, role: r.role, staff_code: r.staff_code, disabled: Number(r.disabled) === 1, must_change_password: Number(r.must_change_password) === 1,
    created_at: isoOf(r.created_at)!, last_login_at: isoOf(r.last_login_at),
  }));
}

async function roleOf(app: State, username: string): Promise<string> {
  const r = await app.state.get<{ role: string }>('select role from users where username = $u', { u: username });
  if (!r) throw new UserError('no_user', `No user ${username}.`, `用户 ${username} 不存在。`, 404);
  return r.role;
}

/**
 * A new password for a user, which ends all their sessions and lifts a login lock. Set by someone else it is a
 * one-time password the user must change at their next login.
 */
export async function setPassword(app: Db, username: string, password: string, byAdmin = true, by?: Role): Promise<void> {
  if ((await roleOf(app, username)) === 'owner' && app.actor !== `user:${username}`) assertMayManageOwner(by, 'reset the password of');
  await assertStrongPassword(password, [username]);
  const hash = await hashPassword(password);
  await app.state.transaction(async () => {
    await app.state.run('update users set password_hash = $h, must_change_password = $m where username = $u', { u: username, h: hash, m: byAdmin && app.actor !== `user:${username}` });
    await app.state.run('delete from sessions where username = $u', { u: username });
    await clearUserAttempts(app, username);
  });
  forgetAllTokens();
  await auditAdmin(app, { what: 'user.password', target: `user:${username}` });
}

export async function updateUser(app: Db, username: string, ch: { role?: string; disabled?: boolean; staffCode?: string }, by?: Role): Promise<void> {
  if (ch.role !== undefined) assertRole(ch.role);
  const current = await roleOf(app, username);
  if (current === 'owner' || ch.role === 'owner') assertMayManageOwner(by, current === 'owner' ? 'change' : 'create');
  await app.state.transaction(async () => {
    if (current === 'owner' && ((ch.role && ch.role !== 'owner') || ch.disabled)) {
      // every owner row, locked in one order (PostgreSQL), so two admins cannot each remove a different last owner
      const owners = await app.state.all<{ username: string; disabled: number }>(
        `select username, disabled from users where role = 'owner' order by username${app.state.dialect === 'postgres' ? ' for update' : ''}`,
      );
      if (!owners.some((o) => o.username !== username && Number(o.disabled) === 0)) throw new UserError('last_owner', 'The last owner cannot be demoted or disabled.', '不能降级或停用最后一个所有者账号。', 409);
    }
    await app.state.run(
      `update users set role = coalesce($r, role), disabled = coalesce($d, disabled), staff_code = coalesce($s, staff_code) where username = $u`,
      { u: username, r: ch.role ?? null, d: ch.disabled ?? null, s: ch.staffCode ?? null },
    );
    if (ch.disabled || ch.role) await app.state.run('delete from sessions where username = $u', { u: username });
  });
  forgetAllTokens();
  await auditAdmin(app, { what: 'user.update', target: `user:${username}`, detail: ch });
}

/** First start: an owner account with a one-time password (returned once; the caller prints it once). */
export async function ensureOwner(app: Db): Promise<{ username: string; password: string } | null> {
  if (await app.state.scalar('select count(*) from users')) return null;
  return createUser({ ...app, actor: 'system' }, { username: 'owner', role: 'owner', mustChange: true });
}
