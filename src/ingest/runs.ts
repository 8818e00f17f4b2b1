import { randomUUID } from 'node:crypto';
import type { App } from '../app/context.ts';

/**
 * Import runs (导入记录): one row per file imported, for the status resource of the API and the freshness report.
 * Started with {entity, source, file} (returns the id); finished with {id, status, summary | error}.
 */
export async function recordRun(app: App, r: { id?: string; entity?: string; source?: string | null; file?: string; status?: 'running' | 'done' | 'failed'; summary?: object; error?: string }): Promise<string> {
  if (!r.id) {
    const id = randomUUID();
    await app.warehouse.run(
      `insert into import_runs (workspace_id, id, entity, source, status, started_at, summary) values ($ws, $id, $entity, $source, 'running', current_timestamp, $summary::json)`,
      { ws: app.workspaceId, id, entity: r.entity ?? '', source: r.source ?? null, summary: JSON.stringify({ file: r.file }) },
    );
    return id;
  }
  const s = r.summary as { rows?: number; imported?: number; rejected?: number; dryRun?: boolean } | undefined;
  await app.warehouse.run(
    `update import_runs set status = $status, finished_at = current_timestamp, rows = $rows, imported = $imported, rejected = $rejected,
       summary = coalesce($summary::json, summary), error = $error where workspace_id = $ws and id = $id`,
    { ws: app.workspaceId, id: r.id, status: r.status ?? 'done', rows: s?.rows ?? null, imported: s?.dryRun ? 0 : s?.imported ?? null, rejected: s?.rejected ?? null, summary: s ? JSON.stringify(s) : null, error: r.error ?? null },
  );
  return r.id;
}
