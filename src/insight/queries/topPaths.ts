import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { anonymousOrAnalysed } from '../scope.ts';

/**
 * Top paths (常见路径): each session's event types in time order, repeats collapsed, first $depth steps; events of
 * customers analytics may not look at left out (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `with e as (
      select coalesce((e.properties->>'session_id'), (e.properties->>'session'), coalesce(e.customer_id::varchar, e.anonymous_key) || '@' || e.event_date::varchar) as unit, e.type, e.occurred_at
      from events e where e.workspace_id = $ws and e.event_date between $from::date and $to::date and ${anonymousOrAnalysed('e.customer_id')}
    ),
    d as (select unit, type, occurred_at, lag(type) over (partition by unit order by occurred_at, type) as prev from e),
    p as (select unit, list(type order by occurred_at, type) as path from d where prev is null or prev <> type group by unit)
    select array_to_string(path[1:$depth::integer], ' → ') as path, count(*) as sessions
    from p group by 1 order by sessions desc, path limit $limit::integer`,
};

export async function topPaths(w: Warehouse, p: Record<string, unknown>): Promise<{ path: string; sessions: number }[]> {
  return (await query(w, SQL, 'topPaths', p)).map((r) => ({ path: String(r.path), sessions: Number(r.sessions) }));
}
