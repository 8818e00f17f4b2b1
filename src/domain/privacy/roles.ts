/**
 * Roles and the permission matrix (角色与权限). Pure values; docs/permissions.md is the same matrix in prose and
 * test/privacy-permissions.test.ts proves every endpoint honours it.
 *
 * A route declares `config.permission = '<area>:<level>'`; levels nest: admin ⊇ write ⊇ read. `pii:unmask`
 * (showing masked personal information in clear) is a permission of its own, held by no role by default except
 * owner and admin, and every use is audited.
 */

export const ROLES = ['owner', 'admin', 'analyst', 'marketer', 'guide', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Level = 'read' | 'write' | 'admin';
const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

/** For each role: the highest level per area. `*` is every area not listed. */
export const MATRIX: Record<Role, Record<string, Level>> = {
  owner: { '*': 'admin', pii: 'admin' },
  admin: { '*': 'admin', pii: 'admin' },
  analyst: {
    stats: 'read', insight: 'read', report: 'write', customers: 'read', segments: 'write', models: 'write', tags: 'read', quality: 'read', import: 'read', collect: 'read',
    consent: 'read', lint: 'read', recommend: 'read', experiments: 'read', campaigns: 'read', identity: 'read', content: 'read', community: 'read', products: 'read',
  },
  marketer: {
    stats: 'read', insight: 'read', report: 'read', customers: 'read', segments: 'write', campaigns: 'write', messages: 'write', journeys: 'write',
    coupons: 'write', experiments: 'write', recommend: 'read', tags: 'write', consent: 'read', lint: 'read', models: 'read', content: 'write', community: 'read', products: 'read',
  },
  guide: { customers: 'read', consent: 'write', tasks: 'write', messages: 'write', recommend: 'read', lint: 'read', tags: 'read', products: 'read' },
  auditor: { audit: 'read', dsr: 'read', consent: 'read', pia: 'read', retention: 'read', users: 'read', apikeys: 'read', keys: 'read', stats: 'read' },
};

/** Store guides (导购) see only the customers they own (customers.owner_staff_code, open contact_ownership). */
export const SCOPED_ROLES: ReadonlySet<Role> = new Set(['guide']);

export function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

export function parsePermission(p: string): { area: string; level: Level } | null {
  const m = /^([a-z_]+):(read|write|admin|unmask)$/.exec(p);
  if (!m) return null;
  return { area: m[1], level: m[2] === 'unmask' ? 'admin' : (m[2] as Level) };
}

/** Does the role hold the permission? Unknown roles and malformed permissions are denied. */
export function roleAllows(role: string, permission: string): boolean {
  if (!isRole(role)) return false;
  const p = parsePermission(permission);
  if (!p) return false;
  if (p.area === 'me') return true;        // one's own session and password
  const row = MATRIX[role];
  const have = row[p.area] ?? (p.area === 'pii' ? undefined : row['*']);
  return have !== undefined && RANK[have] >= RANK[p.level];
}

/**
 * API keys carry scopes (a subset of their creator's role): a key allows a permission only when one of its
 * scopes covers it ('segments:write' covers 'segments:read'; '*' means the role's full rights).
 */
export function scopesAllow(scopes: string[], permission: string): boolean {
  const p = parsePermission(permission);
  if (!p) return false;
  return scopes.some((s) => {
    if (s === '*') return true;
    const q = parsePermission(s);
    return !!q && q.area === p.area && RANK[q.level] >= RANK[p.level];
  });
}

/** Every permission a role holds among the given ones (for docs and the matrix test). */
export function allowedOf(role: Role, permissions: string[]): string[] {
  return permissions.filter((p) => roleAllows(role, p));
}
