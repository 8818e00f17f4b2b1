/**
 * Who is calling, as the auth hook found them, and what that narrows: the audit actor of the request, and for
 * store guides (导购) the customers they may see.
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import type { Role } from '../../domain/privacy/roles.ts';
import { SCOPED_ROLES, roleAllows, scopesAllow } from '../../domain/privacy/roles.ts';
import { UserError } from '../../errors.ts';

export interface Principal {
  kind: 'user' | 'api_key';
  /** user name, or `key:<id>` */
  id: string;
  role: Role;
  /** API-key scopes; undefined for a console session (the role's full rights). */
  scopes?: string[];
  /** The staff code of a store guide (their customers only). */
  staffCode?: string | null;
  /** A console session whose password is a one-time one: only changing it (and logging out) is allowed. */
  mustChangePassword?: boolean;
  /** When the session or key stops working (epoch ms); undefined when it does not expire. */
  expiresAt?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principalOf(req: FastifyRequest): Principal | undefined {
  return req.principal;
}

/** Does the caller hold a permission (role and, for a key, its scopes)? Without a principal (no auth) only the system calls. */
export function callerMay(req: FastifyRequest, permission: string): boolean {
  const p = req.principal;
  if (!p) return true;
  return roleAllows(p.role, permission) && (!p.scopes || scopesAllow(p.scopes, permission));
}

/** The app seen through the request: audit entries carry the caller as actor. */
export function requestApp(req: FastifyRequest, app: App): App {
  const actor = req.principal ? (req.principal.kind === 'user' ? `user:${req.principal.id}` : req.principal.id) : app.actor;
  return { ...app, actor, audit: (e) => app.audit({ ...e, actor: e.actor || actor }) };
}

/**
 * A SQL predicate limiting customers to the caller's own when the caller is a store guide; true otherwise.
 * The query binds `$scope_staff` from `params`.
 */
export function customerScope(req: FastifyRequest, column = 'c.id'): { sql: string; params: Record<string, unknown> } {
  const p = req.principal;
  if (!p || !SCOPED_ROLES.has(p.role)) return { sql: 'true', params: {} };
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(column)) throw new Error(`customerScope: bad column ${column}`);
  return {
    sql: `${column} in (select id from customers where workspace_id = $ws and owner_staff_code = $scope_staff
            union select customer_id from contact_ownership where workspace_id = $ws and staff_code = $scope_staff and removed_at is null)`,
    params: { scope_staff: p.staffCode ?? '\u0000none' },
  };
}

/** 404 (not 403, so existence is not revealed) when a store guide asks for a customer they do not own. */
export async function assertCustomerInScope(req: FastifyRequest, app: App, customerId: number): Promise<void> {
  const s = customerScope(req, 'id');
  if (s.sql === 'true') return;
  const n = await app.warehouse.scalar(`select count(*) from customers where workspace_id = $ws and id = $id and ${s.sql}`, { ws: app.workspaceId, id: customerId, ...s.params });
  if (n === 0) throw new UserError('no_customer', `No customer ${customerId}.`, `客户 ${customerId} 不存在。`, 404);
}
