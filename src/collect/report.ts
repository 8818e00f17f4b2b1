import type { App } from '../app/context.ts';
import { listSources, type SourceRow } from './sources.ts';
import { runningCollector, type CollectorStatus } from './collector.ts';
import type { TailItem } from './tail.ts';

/**
 * What `siyu sources list` and `GET /api/v1/sources` show: each source's stored events (each messageId once),
 * duplicates dropped, profile updates, last-seen, rejected requests since the server started, and — on request —
 * the last events received (anonymous keys shortened, properties already scrubbed of PII).
 */
export interface SourceReport extends SourceRow {
  errors: number;
  last_error: string | null;
  tail?: TailItem[];
}

export async function sourcesReport(app: App, opts: { tail?: boolean } = {}): Promise<SourceReport[]> {
  const rows = await listSources(app);
  const live = runningCollector(app.dir);
  // Stored counts (a restart keeps them); the running collector's are newer by up to half a second.
  const stored = new Map((await app.warehouse.all<{ source_id: number; errors: number; last_error: string | null }>('select source_id, errors, last_error from collect_source_errors where workspace_id = $ws', { ws: app.workspaceId })).map((r) => [r.source_id, { count: Number(r.errors), last: r.last_error }]));
  const out: SourceReport[] = [];
  for (const r of rows) {
    const e = live?.errors.get(r.id) ?? stored.get(r.id);
    out.push({ ...r, errors: e?.count ?? 0, last_error: e?.last || null, ...(opts.tail ? { tail: live?.tail.of(r.id).length ? live.tail.of(r.id) : await storedTail(app, r.name) } : {}) });
  }
  return out;
}

/** The running collector's lag (events acknowledged, not yet stored), or null when no server runs on this store. */
export function collectorStatus(app: App): CollectorStatus | null {
  return runningCollector(app.dir)?.status() ?? null;
}

/** One line for `siyu sources list`. */
export function describeCollector(s: CollectorStatus | null): string {
  if (!s) return 'collector: not running on this store (start it with: siyu serve) / 采集服务未运行';
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return `collector: ${s.waiting_events.toLocaleString('en-US')} events waiting to be stored (${mib(s.in_memory_bytes)} in memory, ${mib(s.on_disk_bytes)} on disk in the log); `
    + `429 past ${s.max_backlog.toLocaleString('en-US')} / 待入库事件 ${s.waiting_events}`;
}

/** The last events stored for a source: the tail after a restart, before new events arrive (same masked shape). */
async function storedTail(app: App, source: string): Promise<TailItem[]> {
  const rows = await app.warehouse.all<{ received_at: string; occurred_at: string; type: string; anonymous_key: string | null; identified: boolean; properties: string }>(
    `select strftime(received_at, '%Y-%m-%dT%H:%M:%S.%gZ') as received_at, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ') as occurred_at, type, anonymous_key,
            customer_id is not null as identified, cast(properties as varchar) as properties
     from events where workspace_id = $ws and source = $s order by received_at desc, event_id desc limit 20`,
    { ws: app.workspaceId, s: source },
  );
  return rows.reverse().map((x) => ({ ...x, anonymous_key: x.anonymous_key ? `${x.anonymous_key.slice(0, 8)}…` : null, properties: JSON.parse(x.properties ?? '{}') as unknown }));
}
