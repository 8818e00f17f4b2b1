import type { App } from '../../app/context.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { appliedRuns, iso } from '../runs.ts';

/** The orders and events each source holds in the warehouse (the runs come from the state store: no join across). */
const FACTS = {
  duckdb: `select coalesce(source, '(none)') as source, 'orders' as entity, max(ordered_at) as latest_fact, max(imported_at) as loaded_at, count(*) as n from orders where workspace_id = $ws group by all
    union all
    select coalesce(source, '(none)'), 'events', max(occurred_at), max(received_at), count(*) from events where workspace_id = $ws group by all`,
};

type Facts = { source: string; entity: string; latest_fact: string | null; loaded_at: string | null; n: number };
type Acc = { entities: Set<string>; rows: number; importedRows: number; latestFact: string | null; loadedAt: number | null };

const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const at = (v: unknown) => (v === null || v === undefined ? null : Date.parse(String(v)));

/**
 * Freshness per source (数据新鲜度): what each source delivered (entities), the orders and events it holds (rows) and
 * the rows its imports changed (importedRows: imported and updated), its latest fact, and its latest load — an
 * import that applied rows (new, updated or already there), not a dry run nor a file refused whole — with the hours
 * since.
 */
export async function freshness(app: App) {
  const ws = app.workspaceId;
  const by = new Map<string, Acc>();
  const acc = (source: string) => {
    let a = by.get(source);
    if (!a) by.set(source, (a = { entities: new Set(), rows: 0, importedRows: 0, latestFact: null, loadedAt: null }));
    return a;
  };
  for (const f of await app.warehouse.all<Facts>(sqlFor(app.warehouse.dialect, FACTS, 'freshness'), { ws })) {
    const a = acc(String(f.source));
    a.entities.add(f.entity);
    a.rows += Number(f.n);
    if (f.latest_fact !== null && (a.latestFact === null || Date.parse(String(f.latest_fact)) > Date.parse(a.latestFact))) a.latestFact = String(f.latest_fact);
    a.loadedAt = later(a.loadedAt, at(f.loaded_at));
  }
  for (const r of await appliedRuns(app)) {
    const s = r.summary as { imported?: number; updated?: number; unchanged?: number };
    const changed = Number(r.imported ?? 0) + Number(s.updated ?? 0);
    if (changed + Number(s.unchanged ?? 0) <= 0) continue;
    const a = acc(r.source ?? '(none)');
    a.entities.add(r.entity);
    a.importedRows += changed;
    a.loadedAt = later(a.loadedAt, r.finishedAt);
  }
  const now = Date.now();
  return [...by.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([source, a]) => ({
    source, entities: [...a.entities].sort(), rows: a.rows, importedRows: a.importedRows, latestFact: a.latestFact, loadedAt: iso(a.loadedAt),
    hoursSinceLoad: a.loadedAt !== null ? Math.round(((now - a.loadedAt) / 3_600_000) * 10) / 10 : null,
  }));
}
