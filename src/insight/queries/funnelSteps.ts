import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { anonymousOrAnalysed } from '../scope.ts';

/**
 * Ordered funnel (漏斗) over events: a unit (a session — events.properties.session_id or session, else the actor's day — or a
 * customer) reaches step k when it has an event of step k's type at or after its step k−1 time and within
 * $window_hours of its first step. Step types are bound ($s0 … $sN); the text repeats one fixed template per step.
 * Breakdown: one of the fixed expressions in BREAKDOWN. Events of customers analytics may not look at are left out
 * (src/insight/scope.ts); anonymous visitors count.
 */
export const BREAKDOWN = {
  none: `'all'`,
  channel: `coalesce(e.properties->>'channel', 'unknown')`,
  source: `coalesce(e.source, 'unknown')`,
  city: `coalesce(c.city, 'unknown')`,
  gender: `coalesce(c.gender, 'unknown')`,
  acquisition_channel: `coalesce(c.acquisition_channel, 'unknown')`,
} as const;
export type Breakdown = keyof typeof BREAKDOWN;

const UNIT = {
  session: `coalesce((e.properties->>'session_id'), (e.properties->>'session'), coalesce(e.customer_id::varchar, e.anonymous_key) || '@' || e.event_date::varchar)`,
  customer: `coalesce(e.customer_id::varchar, e.anonymous_key)`,
} as const;
export type FunnelUnit = keyof typeof UNIT;

function funnelSql(steps: number, unit: FunnelUnit, by: Breakdown): string {
  const parts = [`e as (
      select ${UNIT[unit]} as unit, e.type, e.occurred_at, ${BREAKDOWN[by]} as b
      from events e left join customers c on c.workspace_id = e.workspace_id and c.id = e.customer_id
      where e.workspace_id = $ws and e.event_date between $from::date and $to::date and ${anonymousOrAnalysed('e.customer_id')}
        and e.type in (${Array.from({ length: steps }, (_, i) => `$s${i}`).join(', ')})
        and ($city::varchar is null or c.city in (select unnest(string_split($city, ','))))
        and ($segment::varchar is null or e.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))
    )`, `f0 as (select unit, min(occurred_at) as t, min(occurred_at) as t0, arg_min(b, occurred_at) as b from e where type = $s0 group by unit)`];
  for (let k = 1; k < steps; k++) {
    parts.push(`f${k} as (select p.unit, min(e.occurred_at) as t, any_value(p.t0) as t0, any_value(p.b) as b from f${k - 1} p
      join e on e.unit = p.unit and e.type = $s${k} and e.occurred_at >= p.t and e.occurred_at <= p.t0 + to_hours($window_hours::integer)
      group by p.unit)`);
  }
  const cols = Array.from({ length: steps }, (_, k) => `(select count(*) from f${k} where f${k}.b = bs.b) as n${k}`).join(', ');
  return `with ${parts.join(',\n    ')}, bs as (select distinct b from f0) select bs.b as breakdown, ${cols} from bs order by n0 desc`;
}

export async function funnelCounts(w: Warehouse, steps: string[], unit: FunnelUnit, by: Breakdown, p: Record<string, unknown>): Promise<{ breakdown: string; counts: number[] }[]> {
  const stepParams = Object.fromEntries(steps.map((s, i) => [`s${i}`, s]));
  const rows = await query(w, { duckdb: funnelSql(steps.length, unit, by) }, 'funnelCounts', { ...p, ...stepParams });
  return rows.map((r) => ({ breakdown: String(r.breakdown), counts: steps.map((_, k) => Number(r[`n${k}`])) }));
}
