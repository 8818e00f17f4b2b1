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

interface Held {
  received: number;
  occurred: number;
  type: string;
  anonymousKey: string | null;
  identified: boolean;
  properties: string;
}

export class LiveTail {
  private readonly bySource = new Map<number, Held[]>();
  constructor(private readonly size = 20) {}

  add(sourceId: number, batch: CollectedBatch, receivedAt: number): void {
    let list = this.bySource.get(sourceId);
    if (!list) this.bySource.set(sourceId, (list = []));
    const recent = batch.events.slice(-this.size);
    for (const e of recent) {
      // Formatted when read, not on the hot path.
      list.push({ received: receivedAt, occurred: e.occurredAt, type: e.type, anonymousKey: e.anonymousKey, identified: Boolean(e.userKey), properties: e.properties });
    }
    if (list.length > this.size) list.splice(0, list.length - this.size);
  }

  of(sourceId: number): TailItem[] {
    return (this.bySource.get(sourceId) ?? []).map((x) => ({
      received_at: new Date(x.received).toISOString(),
      occurred_at: new Date(x.occurred).toISOString(),
      type: x.type,
      anonymous_key: x.anonymousKey ? `${x.anonymousKey.slice(0, 8)}…` : null,
      identified: x.identified,
      properties: JSON.parse(x.properties) as unknown,
    }));
  }
}
