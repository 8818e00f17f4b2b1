import type { App } from '../app/context.ts';
import { DEFAULT_RULES, parseRules, type MergeRules } from '../domain/identity/rules.ts';
import { UserError } from '../errors.ts';

/** The workspace's merge rules (identity_settings, in the state store), or the defaults. */
export async function loadRules(app: Pick<App, 'state' | 'workspaceId'>): Promise<MergeRules> {
  const row = await app.state.get<{ priority: string; unique_types: string }>(`select priority, unique_types from identity_settings where workspace_id = $ws`, { ws: app.workspaceId });
  if (!row) return DEFAULT_RULES;
  const r = parseRules(row.priority.split(',').filter(Boolean), row.unique_types.split(',').filter(Boolean));
  return 'error' in r ? DEFAULT_RULES : r;
}

export async function saveRules(app: App, priority: string[], unique: string[]): Promise<MergeRules> {
  const r = parseRules(priority, unique);
  if ('error' in r) throw new UserError('rules_invalid', `Invalid merge rules: ${r.error}.`, `合并规则无效：${r.error}。`);
  await app.state.run(
    `insert into identity_settings (workspace_id, priority, unique_types, updated_at) values ($ws, $p, $u, $now)
     on conflict (workspace_id) do update set priority = excluded.priority, unique_types = excluded.unique_types, updated_at = excluded.updated_at`,
    { ws: app.workspaceId, p: r.priority.join(','), u: r.unique.join(','), now: Date.now() },
  );
  await app.audit({ actor: app.actor, action: 'identity.rules', target: 'workspace', detail: { priority: r.priority, unique: r.unique } });
  return r;
}
