/**
 * The report's data watermark (数据水位): a short hash of everything a report depends on — the warehouse tables it
 * reads (queries/watermark.ts), the data-subject requests and their states, the brand's display name, the KPI
 * targets file, the day (DSR deadlines and "overdue" move with it) and the report code's version. A kept report whose
 * watermark equals the current one is up to date; any difference means it is rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { listRequests } from '../privacy/dsr/requests.ts';
import { warehouseWatermark } from './queries/watermark.ts';
import { workspaceDisplayName } from './workspace.ts';

/** Bumped when the report's content changes for the same data (a kept copy of an older layout is rebuilt). */
export const REPORT_LAYOUT = 2;

export async function reportWatermark(app: App, today = new Date().toISOString().slice(0, 10)): Promise<string> {
  const parts = [
    `layout ${REPORT_LAYOUT}`, today,
    await warehouseWatermark(app.warehouse, app.workspaceId),
    (await listRequests(app, {})).map((r) => `${r.id}:${r.status}`).join(','),
    (await workspaceDisplayName(app)) ?? '',
    targetsText(app.dir),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

function targetsText(dir: string): string {
  const file = join(dir, 'targets.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
