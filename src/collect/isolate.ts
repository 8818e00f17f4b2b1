import type { WalRecord } from './wal.ts';
import type { WalEntry, WalKept } from './entry.ts';
import { loadRecords, type DeadLetter, type LoadContext } from './loadTransaction.ts';
import { logError } from '../logging.ts';

/**
 * Finding what fails in a load (隔离坏数据). Requests are validated before they are acknowledged, so a load should
 * never fail on its data; should one still do (an entry logged by an older version, a case validation missed), the
 * loader bisects the load's records, loading what succeeds, down to the one record that fails; that record is split
 * into its events, facts and items, each tried on its own (in transactions rolled back), and the ones that fail alone
 * become dead letters in the same transaction that stores the rest of the record and moves the log offset past it.
 * Nothing acknowledged is dropped silently and nothing else waits behind it.
 */

/**
 * A failure that is not about the data — the store in trouble (memory, I/O, a closed connection) or our own SQL
 * wrong (binder, catalog, parser, parameters: no event can cause those) — is retried later as a whole, never set aside.
 */
export function isSystemic(e: unknown): boolean {
  return /Out of Memory|IO Error|FATAL|INTERNAL Error|invalidated|connection|closed|disk|No space|Binder Error|Catalog Error|Parser Error|bind parameter/i.test(String((e as Error)?.message ?? e));
}

/** An engine error shortened for the dead-letter table (its first line, at most 300 characters). */
export function reasonOf(e: unknown): string {
  const m = String((e as Error)?.message ?? e).split('\n')[0];
  return m.length > 300 ? `${m.slice(0, 297)}…` : m;
}

/** One part of a record: a record of its own (same segment and end), with what it would be as a dead letter. */
export interface Part {
  record: WalRecord<WalKept>;
  kind: DeadLetter['kind'];
  eventId: string | null;
}

/**
 * A record split into one record per event, per identity fact and per item, plus a carrier with none of them that
 * moves the offset and counts the source when every part is set aside. Throws when the logged text does not parse.
 */
export function splitRecord(r: WalRecord<WalKept>): Part[] {
  const entry = JSON.parse(r.payload.toString('utf8')) as WalEntry;
  const make = (e: WalEntry['e'], f: WalEntry['f'], i: WalEntry['i'] = []) => subRecord(r, e, f, i);
  return [
    ...entry.e.map((t): Part => ({ record: make([t], []), kind: 'event', eventId: typeof t[0] === 'string' ? t[0] : null })),
    ...entry.f.map((f): Part => ({ record: make([], [f]), kind: 'fact', eventId: null })),
    ...(entry.i ?? []).map((i): Part => ({ record: make([], [], [i]), kind: 'item', eventId: null })),
  ];
}

/** A record of the same source, arrival, segment and end carrying only the given events, facts and items. */
function subRecord(r: WalRecord<WalKept>, e: WalEntry['e'], f: WalEntry['f'], i: WalEntry['i'] = []): WalRecord<WalKept> {
  const sub: WalEntry = { s: r.kept.s, r: r.kept.r, n: e.length, f, ...(i.length ? { i } : {}), e };
  return { segment: r.segment, end: r.end, kept: { s: sub.s, r: sub.r, n: e.length, f, ...(i.length ? { i } : {}) }, payload: Buffer.from(JSON.stringify(sub)) };
}

/** A record with nothing in it that moves the offset past `r` and counts its source (when all of `r` is set aside). */
export function carrierOf(r: WalRecord<WalKept>): WalRecord<WalKept> {
  return subRecord(r, [], []);
}

/**
 * Splits `parts` into those that load together and those that fail on their own (with the reason), by bisection:
 * `trial` loads some parts in a transaction it rolls back and throws what the load threw.
 */
export async function classify(parts: Part[], trial: (records: WalRecord<WalKept>[]) => Promise<void>): Promise<{ good: Part[]; bad: { part: Part; reason: string }[] }> {
  const good: Part[] = [];
  const bad: { part: Part; reason: string }[] = [];
  const walk = async (xs: Part[]): Promise<void> => {
    if (!xs.length) return;
    try {
      await trial(xs.map((p) => p.record));
      good.push(...xs);
      return;
    } catch (e) {
      if (isSystemic(e)) throw e;
      if (xs.length === 1) {
        bad.push({ part: xs[0], reason: reasonOf(e) });
        return;
      }
    }
    const mid = xs.length >> 1;
    await walk(xs.slice(0, mid));
    await walk(xs.slice(mid));
  };
  await walk(parts);
  return { good, bad };
}

/** The dead letter of a part that failed (or of a whole record, `p` null, whose text does not even parse). */
export function deadLetterOf(r: WalRecord<WalKept>, p: Part | null, reason: string): DeadLetter {
  return { source: r.kept.s, kind: p?.kind ?? 'entry', eventId: p?.eventId ?? null, reason, entry: (p?.record ?? r).payload.toString('utf8'), segment: r.segment, offset: r.end, receivedAt: r.kept.r };
}

/**
 * Stores one record whose load failed without its parts that fail on their own, which become dead letters — all in
 * one transaction with the offset move. Returns how many parts were set aside.
 */
export async function setAside(x: LoadContext, r: WalRecord<WalKept>, failure: unknown): Promise<number> {
  let good: WalRecord<WalKept>[] = [];
  let dead: DeadLetter[];
  try {
    const parts = splitRecord(r);
    const found = await classify(parts, async (records) => {
      await loadRecords(x, records, { ignoreDuplicates: true, dryRun: true });
    });
    good = found.good.map((p) => p.record);
    dead = found.bad.map((b) => deadLetterOf(r, b.part, b.reason));
    // Parts that fail only together (no single one does): the whole record is set aside rather than retried forever.
    if (!dead.length) {
      good = [];
      dead = parts.map((p) => deadLetterOf(r, p, reasonOf(failure)));
    }
  } catch (e) {
    if (isSystemic(e)) throw e;
    dead = [deadLetterOf(r, null, reasonOf(e))];
  }
  try {
    await loadRecords(x, [carrierOf(r), ...good], { ignoreDuplicates: true, dead });
  } catch (e) {
    if (isSystemic(e) || !good.length) throw e;
    // The parts that loaded one by one fail together: the record goes aside whole.
    dead = [deadLetterOf(r, null, reasonOf(e))];
    await loadRecords(x, [carrierOf(r)], { ignoreDuplicates: true, dead });
  }
  logError('collect.loader.deadLetter', new Error(dead[0].reason), { source: r.kept.s, set_aside: dead.length, stored: good.length });
  return dead.length;
}
