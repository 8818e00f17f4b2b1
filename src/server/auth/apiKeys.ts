/**
 * Scoped API keys (API 密钥) for integrations, in the state store; the secret is returned once and kept only as a
 * SHA-256. A key made by a console user lives only as long as its maker's access: it is refused once that user is
 * disabled or removed, or holds a role that no longer covers the key's role; a key made by another key dies with
 * it. Keys made by the host's CLI belong to the workspace and live until revoked or expired.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../../app/context.ts';
import { isRole, MATRIX, ROLES, type Role, parsePermission, roleAllows } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';
import { auditAdmin } from '../../privacy/trail.ts';
import { randomSecret, tokenHash } from './passwords.ts';
import { forgetAllTokens } from './tokenCache.ts';
import type { Principal } from './scope.ts';

type Db = Pick<App, 'state' | 'audit' | 'actor'>;
type State = Pick<App, 'state'>;

/** An epoch-ms instant as ISO 8601 (UTC), or null. */
export function isoOf(ms: unknown): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

/** Does role `a` hold every right of role `b`? (An owner's extra right, managing owners, only an owner holds.) */
export function roleCovers(a: Role, b: Role): boolean {
  if (b === 'owner') return a === 'owner';
  return Object.entries(MATRIX[b]).every(([area, level]) => roleAllows(a, `${area === '*' ? 'other_area' : area}:${level}`));
}

export async function createApiKey(app: Db, k: { name: string; role: string; scopes?: string[]; staffCode?: string; expiresDays?: number }, by?: Role): Promise<{ id: string; key: string }> {
  if (!isRole(k.role)) throw new UserError('bad_role', `Role must be one of ${ROLES.join(', ')}.`, `角色必须是 ${ROLES.join('、')} 之一。`);
  if (k.role === 'owner' && by !== undefined && by !== 'owner') throw new UserError('owner_only', 'Only an owner can create an owner key.', '只有所有者可以创建所有者密钥。', 403);
  const scopes = k.scopes?.length ? k.scopes : ['*'];
  for (const s of scopes) {
    if (s !== '*' && (!parsePermission(s) || !roleAllows(k.role, s))) throw new UserError('bad_scope', `Scope '${s}' is not a permission the role ${k.role} holds.`, `范围 '${s}' 不在角色 ${k.role} 的权限内。`);
  }
  if (k.expiresDays !== undefined && !(Number.isInteger(k.expiresDays) && k.expiresDays >= 1 && k.expiresDays <= 3650)) {
    throw new UserError('bad_expiry', 'The expiry is a whole number of days from 1 to 3650.', '有效期应为 1–3650 的整数天。');
  }
  const hex = randomBytes(4).toString('hex');
  const secret = randomSecret(32);
  const now = Date.now();
  await app.state.run(
    `insert into api_keys (id, secret_hash, name, role, scopes, staff_code, created_by, created_at, expires_at) values ($id, $h, $n, $r, $s, $sc, $by, $now, $e)`,
    { id: hex, h: tokenHash(secret), n: k.name, r: k.role, s: scopes.join(','), sc: k.staffCode ?? null, by: app.actor, now, e: k.expiresDays ? now + k.expiresDays * 86_400_000 : null },
  );
  await auditAdmin(app, { what: 'apikey.create', target: `key:${hex}`, detail: { role: k.role, scopes } });
  return { id: hex, key: `sk_${hex}_${secret}` };
}

export async function revokeApiKey(app: Db, id: string, by?: Role): Promise<void> {
  const k = await app.state.get<{ role: string }>('select role from api_keys where id = $id and revoked_at is null', { id });
  if (!k) throw new UserError('no_key', `No active API key ${id}.`, `API 密钥 ${id} 不存在或已吊销。`, 404);
  if (k.role === 'owner' && by !== undefined && by !== 'owner') throw new UserError('owner_only', 'Only an owner can revoke an owner key.', '只有所有者可以吊销所有者密钥。', 403);
  await app.state.run('update api_keys set revoked_at = $now where id = $id and revoked_at is null', { id, now: Date.now() });
  forgetAllTokens();
  await auditAdmin(app, { what: 'apikey.revoke', target: `key:${id}` });
}

export async function listApiKeys(app: State): Promise<Record<string, unknown>[]> {
  const rows = await app.state.all('select id, name, role, scopes, staff_code, created_by, created_at, expires_at, revoked_at from api_keys order by created_at, id');
  return rows.map((r) => ({ ...r, created_at: isoOf(r.created_at), expires_at: isoOf(r.expires_at), revoked_at: isoOf(r.revoked_at) }));
}

type KeyRow = { role: string; scopes: string; staff_code: string | null; secret_hash: string; created_by: string | null; expires_at: number | null };

async function liveKey(app: State, id: string, now: number): Promise<KeyRow | undefined> {
  return app.state.get<KeyRow>(
    'select role, scopes, staff_code, secret_hash, created_by, expires_at from api_keys where id = $id and revoked_at is null and (expires_at is null or expires_at > $now)',
    { id, now },
  );
}

/** Is the maker of a key (created_by) still allowed to hold a key of that role? */
async function makerHolds(app: State, createdBy: string | null, role: Role, now: number, depth = 0): Promise<boolean> {
  if (!createdBy) return true;
  const user = /^user:(.+)$/.exec(createdBy);
  if (user) {
    const u = await app.state.get<{ role: string; disabled: number }>('select role, disabled from users where username = $u', { u: user[1] });
    return !!u && Number(u.disabled) === 0 && isRole(u.role) && roleCovers(u.role, role);
  }
  const key = /^key:([a-f0-9]{8})$/.exec(createdBy);
  if (key) {
    if (depth >= 8) return false;
    const parent = await liveKey(app, key[1], now);
    return !!parent && isRole(parent.role) && roleCovers(parent.role, role) && makerHolds(app, parent.created_by, parent.role, now, depth + 1);
  }
  return true;   // the host's CLI or the system: a workspace key
}

/** `sk_<id>_<secret>` → the key's principal; null when unknown, forged, revoked, expired or its maker lost access. */
export async function resolveApiKey(app: State, token: string, now = Date.now()): Promise<Principal | null> {
  const m = /^sk_([a-f0-9]{8})_([A-Za-z0-9_-]{20,})$/.exec(token);
  if (!m) return null;
  const k = await liveKey(app, m[1], now);
  if (!k || !isRole(k.role) || k.secret_hash !== tokenHash(m[2])) return null;
  if (!(await makerHolds(app, k.created_by, k.role, now))) return null;
  return { kind: 'api_key', id: `key:${m[1]}`, role: k.role, scopes: k.scopes.split(','), staffCode: k.staff_code, expiresAt: k.expires_at ?? undefined };
}
