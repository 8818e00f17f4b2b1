import type { App } from '../app/context.ts';
import type { EventSchema } from '../domain/collect/schema.ts';
import { runningCollector } from './collector.ts';
import { allSources } from './sources.ts';
import { UserError } from '../errors.ts';

/**
 * Event schemas and the violations the loader counted (reported, not dropped). The schemas stay in the warehouse
 * beside the violations the loader counts against them (it reads them on its own connection every few seconds);
 * a change is checkpointed before it is acknowledged.
 */
export async function setEventSchema(app: App, event: string, schema: EventSchema): Promise<void> {
  if (!event || event.length > 200) throw new UserError('bad_event', 'An event name is 1–200 characters.', '事件名须为 1–200 个字符。');
  await app.warehouse.run(
    `insert into collect_event_schemas (workspace_id, event, schema, updated_at) values ($ws, $e, $s::json, now())
     on conflict (workspace_id, event) do update set schema = excluded.schema, updated_at = now()`,
    { ws: app.workspaceId, e: event, s: JSON.stringify(schema) },
  );
  await app.warehouse.checkpoint();
  runningCollector(app.dir)?.loader.invalidateSchemas();
}

export interface ViolationRow {
  source: string;
  event: string;
  problem: string;
  count: number;
  example_event_id: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

export async function listViolations(app: App): Promise<ViolationRow[]> {
  const names = new Map((await allSources(app)).map((s) => [s.id, s.name]));
  const rows = await app.warehouse.all<Omit<ViolationRow, 'source'> & { source_id: number }>(
    `select source_id, event, problem, count, example_event_id, first_seen_at, last_seen_at
     from collect_schema_violations where workspace_id = $ws order by count desc, event, problem`,
    { ws: app.workspaceId },
  );
  return rows
    .map(({ source_id, ...r }) => ({ source: names.get(Number(source_id)) ?? String(source_id), ...r, count: Number(r.count) }))
    .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source) || a.event.localeCompare(b.event) || a.problem.localeCompare(b.problem));
}
