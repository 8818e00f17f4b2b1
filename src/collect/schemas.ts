import type { App } from '../app/context.ts';
import type { EventSchema } from '../domain/collect/schema.ts';
import { runningCollector } from './collector.ts';
import { UserError } from '../errors.ts';

/** Event schemas and the violations the loader counted (reported, not dropped). */
export async function setEventSchema(app: App, event: string, schema: EventSchema): Promise<void> {
  if (!event || event.length > 200) throw new UserError('bad_event', 'An event name is 1–200 characters.', '事件名须为 1–200 个字符。');
  await app.warehouse.run(
    `insert into collect_event_schemas (workspace_id, event, schema, updated_at) values ($ws, $e, $s::json, now())
     on conflict (workspace_id, event) do update set schema = excluded.schema, updated_at = now()`,
    { ws: app.workspaceId, e: event, s: JSON.stringify(schema) },
  );
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
  return app.warehouse.all<ViolationRow & Record<string, unknown>>(
    `select s.name as source, v.event, v.problem, v.count, v.example_event_id, v.first_seen_at, v.last_seen_at
     from collect_schema_violations v join collect_sources s on s.workspace_id = v.workspace_id and s.id = v.source_id
     where v.workspace_id = $ws order by v.count desc, s.name, v.event, v.problem`,
    { ws: app.workspaceId },
  );
}
