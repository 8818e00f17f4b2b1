import type { Warehouse } from '../store/interfaces.ts';
import { schemaProblems, type EventSchema } from '../domain/collect/schema.ts';
import type { WalRecord } from './wal.ts';
import type { WalEntry, WalKept } from './entry.ts';

/**
 * What a load writes inside its transaction: the staged events (unpacked by DuckDB from the logged text), and the
 * small rows beside them — per-source counters, write-ahead-log offsets, identity facts, 神策 items and
 * schema-violation counts.
 */

export interface Violation {
  source: number;
  event: string;
  problem: string;
  count: number;
  example: string;
  at: number;
}

/** Adds a load's schema violations to their per-(source, event, problem) counts. */
export async function countViolation(c: Warehouse, workspaceId: number, v: Violation): Promise<void> {
  await c.run(
    `insert into collect_schema_violations (workspace_id, source_id, event, problem, count, example_event_id, first_seen_at, last_seen_at)
     values ($ws, $sid, $e, $p, $n, $x, epoch_ms(cast($at as bigint)), epoch_ms(cast($at as bigint)))
     on conflict (workspace_id, source_id, event, problem) do update set count = collect_schema_violations.count + excluded.count,
       example_event_id = excluded.example_event_id, last_seen_at = excluded.last_seen_at`,
    { ws: workspaceId, sid: v.source, e: v.event, p: v.problem, n: v.count, x: v.example, at: v.at },
  );
}

/*
 * The per-source counters and the log offsets are one row each, updated by every load: an `update` first (a
 * single-row `insert … on conflict do update` costs DuckDB about six times as much CPU), an insert only for a
 * row not there yet. The loader is the only writer of both for its sources, inside its own transaction.
 */
export async function countSource(c: Warehouse, workspaceId: number, sourceId: number, stored: number, duplicates: number, facts: number, lastSeen: number): Promise<void> {
  const p = { ws: workspaceId, sid: sourceId, n: stored, d: duplicates, f: facts, seen: lastSeen };
  const changed = await c.changes(
    `update collect_source_stats set events = events + $n, duplicates = duplicates + $d, profile_updates = profile_updates + $f,
       last_seen_at = greatest(last_seen_at, epoch_ms(cast($seen as bigint)))
     where workspace_id = $ws and source_id = $sid`,
    p,
  );
  if (changed > 0) return;
  await c.run(`insert into collect_source_stats (workspace_id, source_id, events, duplicates, profile_updates, last_seen_at) values ($ws, $sid, $n, $d, $f, epoch_ms(cast($seen as bigint)))`, p);
}

export async function moveOffset(c: Warehouse, segment: string, end: number): Promise<void> {
  const p = { s: segment, o: BigInt(end) } as never;
  if ((await c.changes('update collect_wal_offsets set loaded_offset = greatest(loaded_offset, $o), updated_at = now() where segment = $s', p)) > 0) return;
  await c.run('insert into collect_wal_offsets (segment, loaded_offset, updated_at) values ($s, $o, now())', p);
}

/** 神策 items: the latest record per item (by its time) wins; a delete leaves a tombstone. */
export async function upsertItems(c: Warehouse, workspaceId: number, batch: WalRecord<WalKept>[]): Promise<void> {
  const latest = new Map<string, { s: number; t: string; i: string; d: boolean; p: string | null; at: number }>();
  for (const r of batch) {
    for (const [t, i, d, p, at] of r.kept.i ?? []) {
      const k = `${t}\u0000${i}`;
      const prev = latest.get(k);
      if (!prev || at >= prev.at) latest.set(k, { s: r.kept.s, t, i, d: d === 1, p, at });
    }
  }
  if (!latest.size) return;
  await c.run(
    `insert into collect_items (workspace_id, item_type, item_id, source_id, properties, deleted, updated_ms, updated_at)
     select $ws, x->>'t', x->>'i', cast(x->>'s' as integer), case when cast(x->>'d' as boolean) then null else cast(x->>'p' as json) end,
            cast(x->>'d' as boolean), cast(x->>'at' as bigint), epoch_ms(cast(x->>'at' as bigint))
     from (select unnest(from_json(cast($j as json), '["json"]')) as x)
     on conflict (workspace_id, item_type, item_id) do update set source_id = excluded.source_id, properties = excluded.properties,
       deleted = excluded.deleted, updated_ms = excluded.updated_ms, updated_at = excluded.updated_at
     where excluded.updated_ms >= collect_items.updated_ms`,
    { ws: workspaceId, j: JSON.stringify([...latest.values()]) },
  );
}

/** Stores the identity facts of a load (applied later by the IdentityApplier); returns how many. */
export async function insertFacts(c: Warehouse, workspaceId: number, batch: WalRecord<WalKept>[]): Promise<number> {
  const facts = batch.flatMap((r) => r.kept.f.map((f) => ({ s: r.kept.s, f })));
  if (!facts.length) return 0;
  await c.run(
    `insert into collect_identity_facts (workspace_id, source_id, kind, fact)
     select $ws, cast(x->>'s' as integer), x->>'k', x->'f' from (select unnest(from_json(cast($j as json), '["json"]')) as x)`,
    { ws: workspaceId, j: JSON.stringify(facts.map((x) => ({ s: x.s, k: x.f.kind, f: x.f }))) },
  );
  return facts.length;
}

/**
 * Stages a load's events in `temp.collect_stage` in one statement: the entries' JSON, exactly as the write-ahead log
 * holds it, goes to DuckDB whole and is unpacked there (on DuckDB's threads, not the thread answering requests).
 * An event id repeated within the load is staged once.
 */
export async function stageEvents(c: Warehouse, batch: WalRecord<WalKept>[]): Promise<void> {
  const parts: Buffer[] = [Buffer.from('[')];
  for (let k = 0; k < batch.length; k++) {
    if (k) parts.push(comma);
    parts.push(batch[k].payload);
  }
  parts.push(Buffer.from(']'));
  await c.run(
    `insert into temp.collect_stage
     select s, e[1], e[2], e[3], e[4], cast(round(cast(e[5] as double)) as bigint), e[6], e[7], r
     from (select rec.s as s, rec.r as r, unnest(rec.e) as e
           from (select unnest(from_json(decode($j), '[{"s":"INTEGER","r":"BIGINT","e":[["VARCHAR"]]}]')) as rec))
     qualify row_number() over (partition by e[1]) = 1`,
    { j: Buffer.concat(parts) },
  );
}

const comma = Buffer.from(',');

/** Counts one logged entry's events against their event schemas (only when some event has a schema). */
export function findViolations(schemas: Map<string, EventSchema>, payload: Buffer, into: Map<string, Violation>): void {
  const entry = JSON.parse(payload.toString('utf8')) as WalEntry;
  for (const [eventId, , , type, , , props] of entry.e) {
    const schema = schemas.get(type);
    if (!schema) continue;
    for (const problem of schemaProblems(schema, JSON.parse(props) as Record<string, unknown>)) {
      const k = `${entry.s}\u0000${type}\u0000${problem}`;
      const v = into.get(k) ?? { source: entry.s, event: type, problem, count: 0, example: eventId, at: entry.r };
      v.count++;
      into.set(k, v);
    }
  }
}
