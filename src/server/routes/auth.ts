import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/context.ts';
import { login, logout, setPassword, listUsers, createUser, updateUser, createApiKey, revokeApiKey, listApiKeys } from '../auth/users.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { tokenOf, forgetToken, SESSION_COOKIE } from '../auth/hook.ts';
import { requestApp } from '../auth/scope.ts';
import { ROLES } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';

const user = { type: 'object', properties: { username: { type: 'string' }, role: { type: 'string' }, staff_code: { type: ['string', 'null'] }, disabled: { type: 'boolean' }, must_change_password: { type: 'boolean' }, created_at: { type: 'string' }, last_login_at: { type: ['string', 'null'] } } };

/** Failed logins per user name: 5 within 15 minutes lock the name for 15 minutes. */
const failures = new Map<string, number[]>();
const WINDOW = 15 * 60_000;

/** Login, session, password; console users and API keys (控制台账号与 API 密钥). */
export async function authRoutes(server: FastifyInstance, app: App): Promise<void> {
  server.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      summary: 'Log in with user name and password; returns a session token (also set as an HttpOnly cookie)',
      tags: ['auth'],
      body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 200 } } },
      response: { 200: { type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string' }, role: { type: 'string' }, must_change_password: { type: 'boolean' } } } },
    },
  }, async (req, reply) => {
    const { username, password } = req.body as { username: string; password: string };
    const recent = (failures.get(username) ?? []).filter((t) => t > Date.now() - WINDOW);
    if (recent.length >= 5) throw new UserError('login_locked', 'Too many failed logins; try again in 15 minutes.', '登录失败次数过多，请 15 分钟后再试。', 429);
    try {
      const s = await login(app, username, password, req.ip);
      failures.delete(username);
      reply.header('set-cookie', `${SESSION_COOKIE}=${s.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${12 * 3600}`);
      return s;
    } catch (e) {
      failures.set(username, [...recent, Date.now()]);
      throw e;
    }
  });

  server.post('/api/v1/auth/logout', {
    config: { permission: 'me:write' },
    schema: { summary: 'End this session', tags: ['auth'], response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
  }, async (req, reply) => {
    const t = tokenOf(req);
    if (t) {
      await logout(app, t);
      forgetToken(t);
    }
    reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return { ok: true };
  });

  server.get('/api/v1/auth/me', {
    config: { permission: 'me:read' },
    schema: { summary: 'Who am I: user or key, role, scopes', tags: ['auth'], response: { 200: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, role: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, staffCode: { type: ['string', 'null'] } } } } },
  }, async (req) => req.principal ?? { kind: 'system', id: app.actor, role: 'owner' });

  server.post('/api/v1/auth/password', {
    config: { permission: 'me:write' },
    schema: { summary: 'Change my password', tags: ['auth'], body: { type: 'object', required: ['old_password', 'new_password'], additionalProperties: false, properties: { old_password: { type: 'string', maxLength: 200 }, new_password: { type: 'string', maxLength: 200 } } }, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
  }, async (req) => {
    const p = req.principal;
    if (!p || p.kind !== 'user') throw new UserError('not_a_user', 'Only console users have passwords.', '只有控制台用户有密码。', 403);
    const b = req.body as { old_password: string; new_password: string };
    const row = await app.warehouse.get<{ password_hash: string }>('select password_hash from users where username = $u', { u: p.id });
    if (!row || !(await verifyPassword(b.old_password, row.password_hash))) throw new UserError('login_failed', 'The current password is wrong.', '当前密码错误。', 401);
    await setPassword(requestApp(req, app), p.id, b.new_password, false);
    return { ok: true };
  });

  server.get('/api/v1/users', {
    config: { permission: 'users:read' },
    schema: { summary: 'Console users and their roles', tags: ['auth'], response: { 200: { type: 'array', items: user } } },
  }, async () => listUsers(app));

  server.post('/api/v1/users', {
    config: { permission: 'users:admin' },
    schema: {
      summary: 'Create a console user; the one-time password is returned once',
      tags: ['auth'],
      body: { type: 'object', required: ['username', 'role'], additionalProperties: false, properties: { username: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: ROLES }, staff_code: { type: 'string', maxLength: 64 } } },
      response: { 201: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { username: string; role: string; staff_code?: string };
    if (b.role === 'owner' && req.principal && req.principal.role !== 'owner') throw new UserError('owner_only', 'Only an owner can create another owner.', '只有所有者可以创建所有者账号。', 403);
    return reply.status(201).send(await createUser(requestApp(req, app), { username: b.username, role: b.role, staffCode: b.staff_code, mustChange: true }));
  });

  server.patch('/api/v1/users/:username', {
    config: { permission: 'users:admin' },
    schema: {
      summary: 'Change a user\'s role, staff code, or disable them',
      tags: ['auth'],
      params: { type: 'object', properties: { username: { type: 'string' } } },
      body: { type: 'object', additionalProperties: false, properties: { role: { type: 'string', enum: ROLES }, disabled: { type: 'boolean' }, staff_code: { type: 'string', maxLength: 64 } } },
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
    },
  }, async (req) => {
    const b = req.body as { role?: string; disabled?: boolean; staff_code?: string };
    if (b.role === 'owner' && req.principal && req.principal.role !== 'owner') throw new UserError('owner_only', 'Only an owner can make an owner.', '只有所有者可以授予所有者角色。', 403);
    await updateUser(requestApp(req, app), (req.params as { username: string }).username, { role: b.role, disabled: b.disabled, staffCode: b.staff_code });
    return { ok: true };
  });

  server.get('/api/v1/api-keys', {
    config: { permission: 'apikeys:read' },
    schema: { summary: 'API keys (never their secrets)', tags: ['auth'], response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
  }, async () => listApiKeys(app));

  server.post('/api/v1/api-keys', {
    config: { permission: 'apikeys:admin' },
    schema: {
      summary: 'Create a scoped API key; the key is returned once',
      tags: ['auth'],
      body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 100 }, role: { type: 'string', enum: ROLES }, scopes: { type: 'array', items: { type: 'string' } }, staff_code: { type: 'string' }, expires_days: { type: 'integer', minimum: 1 } } },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, key: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { name: string; role: string; scopes?: string[]; staff_code?: string; expires_days?: number };
    if (b.role === 'owner' && req.principal && req.principal.role !== 'owner') throw new UserError('owner_only', 'Only an owner can create an owner key.', '只有所有者可以创建所有者密钥。', 403);
    return reply.status(201).send(await createApiKey(requestApp(req, app), { name: b.name, role: b.role, scopes: b.scopes, staffCode: b.staff_code, expiresDays: b.expires_days }));
  });

  server.delete('/api/v1/api-keys/:id', {
    config: { permission: 'apikeys:admin' },
    schema: { summary: 'Revoke an API key', tags: ['auth'], params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
  }, async (req) => {
    await revokeApiKey(requestApp(req, app), (req.params as { id: string }).id);
    return { ok: true };
  });
}
