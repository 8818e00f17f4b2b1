import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `with runs as (
      select coalesce(source, '(none)') as source, entity, finished_at, coalesce(imported, 0) as imported from import_runs
      where workspace_id = $ws and status = 'done' and not coalesce((summary ->> 'dryRun')::boolean, false)
        and coalesce(imported, 0) + coalesce((summary ->> 'unchanged')::bigint, 0) > 0),
    facts as (
      select coalesce(source, '(none)') as source, 'orders' as entity, max(ordered_at) as latest_fact, max(imported_at) as loaded_at, count(*) as n from orders where workspace_id = $ws group by all
      union all
      select coalesce(source, '(none)'), 'events', max(occurred_at), max(received_at), count(*) from events where workspace_id = $ws group by all
      union all
      select source, entity, null, max(finished_at), 0 from runs group by all)
    select source, list(distinct entity order by entity) as entities, sum(n) as rows,
      (select coalesce(sum(imported), 0) from runs r where r.source = f.source) as imported_rows,
      max(latest_fact) as latest_fact, max(loaded_at) as loaded_at
    from facts f group by source order by source`,
};

/**
 * Freshness per source (数据新鲜度): what each source delivered (entities), the orders and events it holds (rows) and
 * the rows its imports changed (importedRows), its latest fact, and its latest load — an import that applied rows
 * (new or already there), not a dry run nor a file refused whole — with the hours since.
 */
export async function freshness(w: Warehouse, ws: number) {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'freshness'), { ws });
  const now = Date.now();
  return rows.map((r) => ({
    source: String(r.source), entities: (r.entities as string[]).map(String), rows: Number(r.rows), importedRows: Number(r.imported_rows),
    latestFact: r.latest_fact ?? null, loadedAt: r.loaded_at ?? null,
    hoursSinceLoad: r.loaded_at ? Math.round(((now - Date.parse(String(r.loaded_at))) / 3_600_000) * 10) / 10 : null,
  }));
}
