import type { App } from '../app/context.ts';
import { listSources, type SourceRow } from './sources.ts';
import { runningCollector } from './collector.ts';
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
  return rows.map((r) => {
    const e = live?.errors.get(r.id);
    return { ...r, errors: e?.count ?? 0, last_error: e?.last ?? null, ...(opts.tail ? { tail: live?.tail.of(r.id) ?? [] } : {}) };
  });
}
