import type { Warehouse } from '../store/interfaces.ts';
import type { EventSchema } from '../domain/collect/schema.ts';
import type { WalRecord } from './wal.ts';
import type { WalKept } from './entry.ts';
import { countSource, countViolation, findViolations, insertFacts, moveOffset, stageEvents, upsertItems, type Violation } from './loadRows.ts';

/**
 * One load: logged records into the warehouse in one transaction — the events (the log's JSON text unpacked by
 * DuckDB into a staging table, then inserted into `events`, whose primary key de-duplicates the messageId per
 * source), the identity facts, items, schema-violation counts, per-source counters, the dead letters of what was set
 * aside, and the log offsets, all together: a crash at any point replays exactly what is not yet stored.
 * `dryRun` rolls back instead of committing (the loader's trials when it looks for the entry that fails).
 */
export interface LoadContext {
  db: Warehouse;
  workspaceId: number;
  sourceName: (id: number) => string;
  schemas: Map<string, EventSchema>;
}

/** An event, fact or item set aside: it failed on its own, with the others of its load stored. */
export interface DeadLetter {
  source: number;
  kind: 'event' | 'fact' | 'item' | 'entry';
  eventId: string | null;
  reason: string;
  /** Its logged text (ids keyed-hashed, properties scrubbed: what the log holds). */
  entry: string;
  segment: string;
  offset: number;
  receivedAt: number;
}

export interface LoadOutcome {
  events: number;
  stored: number;
  facts: number;
}

/** Connections whose temp staging table exists. */
const staged = new WeakSet<Warehouse>();

export async function loadRecords(x: LoadContext, batch: WalRecord<WalKept>[], o: { ignoreDuplicates: boolean; dryRun?: boolean; dead?: DeadLetter[] }): Promise<LoadOutcome> {
  const c = x.db;
  if (!staged.has(c)) {
    await c.run(`create temp table if not exists collect_stage (source_id integer, event_id varchar, anonymous_key varchar, user_key varchar, type varchar, occurred_ms bigint, event_date varchar, properties varchar, received_ms bigint)`);
    staged.add(c);
  }
  const violations = new Map<string, Violation>();
  const perSource = new Map<number, { events: number; lastSeen: number; facts: number }>();
  const offsets = new Map<string, number>();
  for (const r of batch) {
    const { s, r: received, n, f } = r.kept;
    const st = perSource.get(s) ?? { events: 0, lastSeen: 0, facts: 0 };
    perSource.set(s, st);
    st.events += n;
    st.lastSeen = Math.max(st.lastSeen, received);
    st.facts += f.length;
    offsets.set(r.segment, Math.max(offsets.get(r.segment) ?? 0, r.end));
    if (x.schemas.size && n) findViolations(x.schemas, r.payload, violations);
  }
  await c.run('begin transaction');
  try {
    await stageEvents(c, batch);
    let stored = 0;
    let events = 0;
    for (const [sourceId, st] of perSource) {
      const inserted = st.events ? await insertSource(x, sourceId, o.ignoreDuplicates) : 0;
      stored += inserted;
      events += st.events;
      await countSource(c, x.workspaceId, sourceId, inserted, st.events - inserted, st.facts, st.lastSeen);
    }
    const facts = await insertFacts(c, x.workspaceId, batch);
    await upsertItems(c, x.workspaceId, batch);
    for (const v of violations.values()) await countViolation(c, x.workspaceId, v);
    for (const d of o.dead ?? []) await insertDeadLetter(c, x.workspaceId, d);
    for (const [segment, end] of offsets) await moveOffset(c, segment, end);
    await c.run('delete from temp.collect_stage');
    await c.run(o.dryRun ? 'rollback' : 'commit');
    return { events, stored, facts };
  } catch (e) {
    await c.run('rollback').catch(() => undefined);
    await c.run('delete from temp.collect_stage').catch(() => undefined);
    throw e;
  }
}

/** Stores one source's staged events; events whose user is already linked join their customer right away. */
async function insertSource(x: LoadContext, sourceId: number, ignoreDuplicates: boolean): Promise<number> {
  return x.db.changes(
    `insert ${ignoreDuplicates ? 'or ignore ' : ''}into events (workspace_id, event_id, customer_id, anonymous_key, type, occurred_at, event_date, properties, source, received_at)
     select $ws, s.event_id, coalesce(u.customer_id, a.customer_id), s.anonymous_key, s.type, epoch_ms(s.occurred_ms), cast(s.event_date as date),
            cast(s.properties as json), $source, epoch_ms(s.received_ms)
     from temp.collect_stage s
     left join customer_identifiers u on u.workspace_id = $ws and u.id_type = 'user_id' and u.namespace = '' and u.id_hash = s.user_key
     left join customer_identifiers a on a.workspace_id = $ws and a.id_type = 'anonymous_id' and a.namespace = '' and a.id_hash = s.anonymous_key
     where s.source_id = $sid`,
    { ws: x.workspaceId, sid: sourceId, source: x.sourceName(sourceId) },
  );
}

/** One dead letter, its text bound as a plain value (it may be exactly what DuckDB's JSON reader refused). */
async function insertDeadLetter(c: Warehouse, workspaceId: number, d: DeadLetter): Promise<void> {
  await c.run(
    `insert into collect_dead_letters (workspace_id, source_id, kind, event_id, reason, entry, segment, log_offset, received_at, failed_at)
     values ($ws, $s, $k, $e, $why, $entry, $seg, $off, epoch_ms(cast($r as bigint)), now())`,
    { ws: workspaceId, s: d.source, k: d.kind, e: d.eventId, why: d.reason, entry: d.entry, seg: d.segment, off: BigInt(d.offset), r: d.receivedAt },
  );
}

