/**
 * The brand's name as the report prints it (品牌名称): the workspace's display name (state `workspaces.display_name`,
 * set with `siyu workspace set --name` or PATCH /api/v1/workspace), else the warehouse workspace's name unless it is
 * the placeholder 'default', else nothing — the report never prints "default" as if it were a brand.
 */
import type { App } from '../app/context.ts';
import { workspaceDisplayName } from './workspace.ts';

export async function brandName(app: App): Promise<string> {
  const display = await workspaceDisplayName(app);
  if (display) return display;
  const row = await app.warehouse.get<{ name: string | null }>(`select name from workspaces where id = $ws`, { ws: app.workspaceId });
  const name = row?.name?.trim() ?? '';
  return name && name !== 'default' ? name : '';
}
