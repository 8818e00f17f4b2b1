import type { App } from '../app/context.ts';
import { sqlFor } from '../store/interfaces.ts';

const SQL = { duckdb: `select timezone from workspaces where id = $ws` };

/** The workspace's IANA zone (Asia/Shanghai by default): local days of timestamps are taken in it. */
export async function workspaceTimezone(app: App): Promise<string> {
  const [r] = await app.warehouse.all<{ timezone: string }>(sqlFor(app.warehouse.dialect, SQL), { ws: app.workspaceId });
  return r?.timezone ?? 'Asia/Shanghai';
}
