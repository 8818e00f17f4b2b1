import type { Warehouse } from '../store/interfaces.ts';
import { logError } from '../logging.ts';

/**
 * Rejected requests per source (bad payloads, limits, backpressure, a wrong write key: source 0), counted in memory on
 * the request path and added to `collect_source_errors` by the loader's loop about every half second, on its own
 * connection, so a restart keeps them.
 */
export class ErrorCounts {
  private deltas = new Map<number, { count: number; last: string; at: number }>();

  note(sourceId: number, code: string, at: number): void {
    const d = this.deltas.get(sourceId) ?? { count: 0, last: code, at };
    d.count++;
    d.last = code;
    d.at = at;
    this.deltas.set(sourceId, d);
  }

  get pending(): boolean {
    return this.deltas.size > 0;
  }

  /** Adds what was counted since the last write (a failure is logged; those counts are lost, not retried). */
  async write(db: Warehouse, workspaceId: number): Promise<void> {
    const deltas = this.deltas;
    this.deltas = new Map();
    try {
      for (const [sid, d] of deltas) {
        await db.run(
          `insert into collect_source_errors (workspace_id, source_id, errors, last_error, last_error_at) values ($ws, $sid, $n, $code, epoch_ms(cast($at as bigint)))
           on conflict (workspace_id, source_id) do update set errors = collect_source_errors.errors + excluded.errors, last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
          { ws: workspaceId, sid, n: d.count, code: d.last, at: d.at },
        );
      }
    } catch (e) {
      logError('collect.loader.errors', e, { sources: deltas.size });
    }
  }
}
