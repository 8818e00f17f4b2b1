import type { CollectedBatch } from '../domain/collect/event.ts';

/**
 * The last few events per source, for debugging instrumentation (实时事件流): event name, time, a shortened
 * anonymous key and the (already PII-scrubbed) properties. Kept in memory only, never more than `size` per source.
 */
export interface TailItem {
  received_at: string;
  occurred_at: string;
  type: string;
  anonymous_key: string | null;
  identified: boolean;
  properties: unknown;
}

export class LiveTail {
  private readonly bySource = new Map<number, TailItem[]>();
  constructor(private readonly size = 20) {}

  add(sourceId: number, batch: CollectedBatch, receivedAt: number): void {
    let list = this.bySource.get(sourceId);
    if (!list) this.bySource.set(sourceId, (list = []));
    const recent = batch.events.slice(-this.size);
    for (const e of recent) {
      list.push({
        received_at: new Date(receivedAt).toISOString(),
        occurred_at: new Date(e.occurredAt).toISOString(),
        type: e.type,
        anonymous_key: e.anonymousKey ? `${e.anonymousKey.slice(0, 8)}…` : null,
        identified: Boolean(e.userKey),
        properties: e.properties,
      });
    }
    if (list.length > this.size) list.splice(0, list.length - this.size);
  }

  of(sourceId: number): TailItem[] {
    return (this.bySource.get(sourceId) ?? []).map((x) => ({ ...x, properties: typeof x.properties === 'string' ? JSON.parse(x.properties) : x.properties }));
  }
}
