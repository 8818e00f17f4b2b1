import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `select source, max(latest_fact) as latest_fact, max(loaded_at) as loaded_at, sum(n) as rows from (
      select coalesce(source, '(none)') as source, max(ordered_at) as latest_fact, max(imported_at) as loaded_at, count(*) as n from orders where workspace_id = $ws group by all
      union all
      select coalesce(source, '(none)'), max(occurred_at), max(received_at), count(*) from events where workspace_id = $ws group by all
      union all
      select coalesce(source, '(none)'), null, max(finished_at), 0 from import_runs where workspace_id = $ws and status = 'done' group by all
    ) group by source order by source`,
};

/** Freshness per source (数据新鲜度): the latest fact and the latest load of each source, and hours since. */
export async function freshness(w: Warehouse, ws: number) {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'freshness'), { ws });
  const now = Date.now();
  return rows.map((r) => ({
    source: String(r.source), rows: Number(r.rows), latestFact: r.latest_fact ?? null, loadedAt: r.loaded_at ?? null,
    hoursSinceLoad: r.loaded_at ? Math.round(((now - Date.parse(String(r.loaded_at))) / 3_600_000) * 10) / 10 : null,
  }));
}
