import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app/context.ts';
import { login, logout, changeOwnPassword, setPassword, listUsers, createUser, updateUser, createApiKey, revokeApiKey, listApiKeys, SESSION_HOURS } from '../auth/users.ts';
import { randomSecret } from '../auth/passwords.ts';
import { tokenOf, forgetToken } from '../auth/hook.ts';
import { sessionCookie, clearedCookie } from '../auth/cookies.ts';
import { requestApp } from '../auth/scope.ts';
import { ROLES, type Role } from '../../domain/privacy/roles.ts';
import { UserError, isUserError } from '../../errors.ts';

const user = { type: 'object', properties: { username: { type: 'string' }, role: { type: 'string' }, staff_code: { type: ['string', 'null'] }, disabled: { type: 'boolean' }, must_change_password: { type: 'boolean' }, created_at: { type: 'string' }, last_login_at: { type: ['string', 'null'] } } };
const session = { type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string' }, role: { type: 'string' }, must_change_password: { type: 'boolean' } } };
const ok = { type: 'object', properties: { ok: { type: 'boolean' } } };

/** The 429 of a locked login carries Retry-After. */
async function throttled<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const wait = (e as { retryAfter?: number }).retryAfter;
    if (isUserError(e) && wait) reply.header('retry-after', String(wait));
    throw e;
  }
}

/** Login, session, password; console users and API keys (控制台账号与 API 密钥). */
export async function authRoutes(server: FastifyInstance, app: App): Promise<void> {
  const by = (p: { role: Role } | undefined) => p?.role;

  server.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      summary: 'Log in with user name and password; returns a session token (also set as an HttpOnly cookie)',
      description: 'Failed attempts are counted per user name and per client address; past the limit the answer is 429 with Retry-After (docs/permissions.md).',
      tags: ['auth'],
      body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 200 } } },
      response: { 200: session },
    },
  }, async (req, reply) => {
    const { username, password } = req.body as { username: string; password: string };
    const s = await throttled(reply, () => login(app, username, password, req.ip));
    reply.header('set-cookie', sessionCookie(req, s.token, SESSION_HOURS * 3600));
    return s;
  });

  server.post('/api/v1/auth/logout', {
    config: { permission: 'me:write' },
    schema: { summary: 'End this session', tags: ['auth'], response: { 200: ok } },
  }, async (req, reply) => {
    const t = tokenOf(req);
    if (t && req.principal?.kind === 'user') {
      await logout(app, t);
      forgetToken(t);
    }
    reply.header('set-cookie', clearedCookie(req));
    return { ok: true };
  });

  server.get('/api/v1/auth/me', {
    config: { permission: 'me:read' },
    schema: {
      summary: 'Who am I: user or key, role, scopes, and whether the password must be changed first',
      tags: ['auth'],
      response: { 200: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, role: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, staffCode: { type: ['string', 'null'] }, must_change_password: { type: 'boolean' }, expires_at: { type: ['string', 'null'] } } } },
    },
  }, async (req) => {
    const p = req.principal;
    if (!p) return { kind: 'system', id: app.actor, role: 'owner', must_change_password: false, expires_at: null };
    return { kind: p.kind, id: p.id, role: p.role, scopes: p.scopes, staffCode: p.staffCode ?? null, must_change_password: p.mustChangePassword === true, expires_at: p.expiresAt ? new Date(p.expiresAt).toISOString() : null };
  });

  server.post('/api/v1/auth/password', {
    config: { permission: 'me:write' },
    schema: {
      summary: 'Change my password (the only call a one-time password allows); ends my other sessions and returns a new one',
      tags: ['auth'],
      body: { type: 'object', required: ['old_password', 'new_password'], additionalProperties: false, properties: { old_password: { type: 'string', maxLength: 200 }, new_password: { type: 'string', maxLength: 200 } } },
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, ...session.properties } } },
    },
  }, async (req, reply) => {
    const p = req.principal;
    if (!p || p.kind !== 'user') throw new UserError('not_a_user', 'Only console users have passwords.', '只有控制台用户有密码。', 403);
    const b = req.body as { old_password: string; new_password: string };
    const old = tokenOf(req);
    const s = await throttled(reply, () => changeOwnPassword(requestApp(req, app), p.id, b.old_password, b.new_password, req.ip));
    if (old) forgetToken(old);
    reply.header('set-cookie', sessionCookie(req, s.token, SESSION_HOURS * 3600));
    return { ok: true, ...s };
  });

  server.get('/api/v1/users', {
    config: { permission: 'users:read' },
    schema: { summary: 'Console users and their roles', tags: ['auth'], response: { 200: { type: 'array', items: user } } },
  }, async () => listUsers(app));

  server.post('/api/v1/users', {
    config: { permission: 'users:admin' },
    schema: {
      summary: 'Create a console user; the one-time password is returned once (only an owner creates an owner)',
      tags: ['auth'],
      body: { type: 'object', required: ['username', 'role'], additionalProperties: false, properties: { username: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: ROLES }, staff_code: { type: 'string', maxLength: 64 } } },
      response: { 201: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { username: string; role: string; staff_code?: string };
    return reply.status(201).send(await createUser(requestApp(req, app), { username: b.username, role: b.role, staffCode: b.staff_code, mustChange: true }, by(req.principal)));
  });

  server.patch('/api/v1/users/:username', {
    config: { permission: 'users:admin' },
    schema: {
      summary: 'Change a user\'s role, staff code, or disable them (only an owner changes an owner)',
      tags: ['auth'],
      params: { type: 'object', properties: { username: { type: 'string' } } },
      body: { type: 'object', additionalProperties: false, properties: { role: { type: 'string', enum: ROLES }, disabled: { type: 'boolean' }, staff_code: { type: 'string', maxLength: 64 } } },
      response: { 200: ok },
    },
  }, async (req) => {
    const b = req.body as { role?: string; disabled?: boolean; staff_code?: string };
    await updateUser(requestApp(req, app), (req.params as { username: string }).username, { role: b.role, disabled: b.disabled, staffCode: b.staff_code }, by(req.principal));
    return { ok: true };
  });

  server.post('/api/v1/users/:username/password', {
    config: { permission: 'users:admin' },
    schema: {
      summary: 'Give a user a new one-time password (returned once; ends their sessions; only an owner does this for an owner)',
      tags: ['auth'],
      params: { type: 'object', properties: { username: { type: 'string' } } },
      response: { 200: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } } },
    },
  }, async (req) => {
    const username = (req.params as { username: string }).username;
    const password = randomSecret(12);
    await setPassword(requestApp(req, app), username, password, true, by(req.principal));
    return { username, password };
  });

  server.get('/api/v1/api-keys', {
    config: { permission: 'apikeys:read' },
    schema: { summary: 'API keys (never their secrets)', tags: ['auth'], response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } } },
  }, async () => listApiKeys(app));

  server.post('/api/v1/api-keys', {
    config: { permission: 'apikeys:admin' },
    schema: {
      summary: 'Create a scoped API key; the key is returned once. It stops working when its maker loses the access it grants.',
      tags: ['auth'],
      body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 100 }, role: { type: 'string', enum: ROLES }, scopes: { type: 'array', items: { type: 'string' } }, staff_code: { type: 'string' }, expires_days: { type: 'integer', minimum: 1, maximum: 3650 } } },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, key: { type: 'string' } } } },
    },
  }, async (req, reply) => {
    const b = req.body as { name: string; role: string; scopes?: string[]; staff_code?: string; expires_days?: number };
    return reply.status(201).send(await createApiKey(requestApp(req, app), { name: b.name, role: b.role, scopes: b.scopes, staffCode: b.staff_code, expiresDays: b.expires_days }, by(req.principal)));
  });

  server.delete('/api/v1/api-keys/:id', {
    config: { permission: 'apikeys:admin' },
    schema: { summary: 'Revoke an API key', tags: ['auth'], params: { type: 'object', properties: { id: { type: 'string' } } }, response: { 200: ok } },
  }, async (req) => {
    await revokeApiKey(requestApp(req, app), (req.params as { id: string }).id, by(req.principal));
    return { ok: true };
  });
}
