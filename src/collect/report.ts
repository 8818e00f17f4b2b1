import type { App } from '../app/context.ts';
import { allSources, type SourceSettings, type SourceTrust } from './sources.ts';
import { runningCollector, type CollectorStatus } from './collector.ts';
import type { TailItem } from './tail.ts';

/**
 * What `siyu sources list` and `GET /api/v1/sources` show: each source (state store) with its counters (warehouse):
 * stored events (each messageId once), duplicates dropped, profile updates, last-seen, dead letters (acknowledged
 * entries that could not be stored, kept with the reason), rejected requests, and — on request — the last events
 * received (anonymous keys shortened, properties already scrubbed of PII). The two stores are read apart and
 * joined here by source id.
 */
export interface SourceReport {
  id: number;
  name: string;
  kind: string;
  trust: SourceTrust;
  settings: SourceSettings;
  write_key_masked: string;
  created_at: string;
  events: number;
  duplicates: number;
  profile_updates: number;
  last_seen_at: string | null;
  dead_letters: number;
  errors: number;
  last_error: string | null;
  tail?: TailItem[];
}

export async function sourcesReport(app: App, opts: { tail?: boolean } = {}): Promise<SourceReport[]> {
  const sources = await allSources(app);
  const ws = { ws: app.workspaceId };
  const stats = new Map((await app.warehouse.all<{ source_id: number; events: number; duplicates: number; profile_updates: number; last_seen_at: string | null }>(
    'select source_id, events, duplicates, profile_updates, last_seen_at from collect_source_stats where workspace_id = $ws', ws,
  )).map((r) => [Number(r.source_id), r]));
  const dead = new Map((await app.warehouse.all<{ source_id: number; n: number }>('select source_id, count(*) as n from collect_dead_letters where workspace_id = $ws group by source_id', ws)).map((r) => [Number(r.source_id), Number(r.n)]));
  const live = runningCollector(app.dir);
  // Stored counts (a restart keeps them); the running collector's are newer by up to half a second.
  const stored = new Map((await app.warehouse.all<{ source_id: number; errors: number; last_error: string | null }>('select source_id, errors, last_error from collect_source_errors where workspace_id = $ws', ws)).map((r) => [Number(r.source_id), { count: Number(r.errors), last: r.last_error }]));
  const out: SourceReport[] = [];
  for (const s of sources) {
    const t = stats.get(s.id);
    const e = live?.errors.get(s.id) ?? stored.get(s.id);
    out.push({
      id: s.id, name: s.name, kind: s.kind, trust: s.trust, settings: s.settings, write_key_masked: s.write_key_masked, created_at: s.created_at,
      events: Number(t?.events ?? 0), duplicates: Number(t?.duplicates ?? 0), profile_updates: Number(t?.profile_updates ?? 0), last_seen_at: t?.last_seen_at ?? null,
      dead_letters: dead.get(s.id) ?? 0, errors: e?.count ?? 0, last_error: e?.last || null,
      ...(opts.tail ? { tail: live?.tail.of(s.id).length ? live.tail.of(s.id) : await storedTail(app, s.name) } : {}),
    });
  }
  return out;
}

/** The dead letters of a source (newest first): why each failed and its logged text. */
export async function deadLetters(app: App, sourceId: number, limit = 100): Promise<{ seq: number; kind: string; event_id: string | null; reason: string; entry: string; failed_at: string }[]> {
  return app.warehouse.all(
    `select seq, kind, event_id, reason, entry, strftime(failed_at, '%Y-%m-%dT%H:%M:%S.%gZ') as failed_at from collect_dead_letters
     where workspace_id = $ws and source_id = $s order by seq desc limit $n`,
    { ws: app.workspaceId, s: sourceId, n: limit },
  );
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
