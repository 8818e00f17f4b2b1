/**
 * The workspace's settings a brand sets for how it is shown (工作区显示名称): today its display name, printed on the
 * report's cover and header. Kept in the state store (`workspaces.display_name`); changes are audited.
 * Used by `siyu workspace set --name` and PATCH /api/v1/workspace.
 */
import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';

export interface WorkspaceSettings {
  id: number;
  name: string;
  display_name: string | null;
  timezone: string;
}

const MAX_NAME = 80;

export async function workspaceSettings(app: App): Promise<WorkspaceSettings> {
  const r = await app.state.get<{ id: number; name: string; display_name: string | null; timezone: string }>(
    `select id, name, display_name, timezone from workspaces where id = $ws`, { ws: app.workspaceId });
  if (!r) throw new UserError('not_found', `Workspace ${app.workspaceId} does not exist.`, `工作区 ${app.workspaceId} 不存在。`, 404);
  return { id: Number(r.id), name: String(r.name), display_name: r.display_name ?? null, timezone: String(r.timezone) };
}

export async function workspaceDisplayName(app: App): Promise<string | null> {
  const r = await app.state.get<{ display_name: string | null }>(`select display_name from workspaces where id = $ws`, { ws: app.workspaceId });
  return r?.display_name?.trim() || null;
}

/** A display name as given, checked: 1–80 characters after trimming, no control characters. */
export function checkDisplayName(v: unknown): string {
  if (typeof v !== 'string') throw new UserError('bad_name', 'The display name must be text.', '显示名称必须是文本。');
  const name = v.trim();
  if (!name) throw new UserError('bad_name', 'The display name must not be empty.', '显示名称不能为空。');
  if ([...name].length > MAX_NAME) throw new UserError('bad_name', `The display name is at most ${MAX_NAME} characters.`, `显示名称最多 ${MAX_NAME} 个字符。`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new UserError('bad_name', 'The display name must not contain control characters (line breaks, tabs).', '显示名称不能包含控制字符（换行、制表符）。');
  return name;
}

/** Sets the display name (validated before anything is written) and records it in the audit log. */
export async function setWorkspaceDisplayName(app: App, value: unknown): Promise<WorkspaceSettings> {
  const name = checkDisplayName(value);
  const before = await workspaceSettings(app);
  await app.state.run(`update workspaces set display_name = $name where id = $ws`, { name, ws: app.workspaceId });
  await app.audit({ actor: app.actor, action: 'workspace.set', target: String(app.workspaceId), detail: { display_name: name, was: before.display_name } });
  return { ...before, display_name: name };
}
