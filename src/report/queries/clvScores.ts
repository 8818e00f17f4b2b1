import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Summaries of the CLV model's per-customer scores (customer_scores, model 'clv', written by src/models/score.ts):
 * P(alive) bands, CLV concentration by decile, and the customers with above-median past spend whose P(alive)
 * fell below $palive (high value at risk). The scores are the models helper's; only the summary is here.
 */
export interface ClvSummary {
  asOf: string | null;
  version: number | null;
  customers: number;
  totalClv: number;
  bands: { band: string; customers: number; clv: number }[];
  deciles: { decile: number; clv: number }[];
  atRisk: { customers: number; clv: number; pastSpend: number };
}

const SQL = {
  duckdb: `with s as materialized (
      select customer_id,
        max(value) filter (where score = 'p_alive') as p_alive,
        max(value) filter (where score = 'clv') as clv,
        any_value(as_of)::varchar as as_of, max(version) as version
      from customer_scores where workspace_id = $ws and model = 'clv' group by customer_id
    ),
    spend as materialized (
      select customer_id, sum(gross_amount)::double as m from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null group by customer_id
    ),
    j as materialized (select s.*, coalesce(spend.m, 0) as m from s left join spend using (customer_id)),
    med as (select median(m) as mm from j where m > 0),
    risk as materialized (select count(*) as n, coalesce(sum(clv), 0) as clv, coalesce(sum(m), 0) as spend from j, med where j.m > med.mm and j.p_alive < $palive)
    select
      (select any_value(as_of) from s) as as_of, (select max(version) from s) as version,
      (select count(*) from s) as customers, (select coalesce(sum(clv), 0) from s) as total_clv,
      (select list({ 'band': band, 'customers': n, 'clv': v } order by band) from (
        select case when p_alive < 0.2 then '0-20%' when p_alive < 0.5 then '20-50%' when p_alive < 0.8 then '50-80%' else '80-100%' end as band,
          count(*) as n, coalesce(sum(clv), 0) as v from s group by 1)) as bands,
      (select list({ 'decile': d, 'clv': v } order by d) from (
        select d, sum(clv) as v from (select clv, ntile(10) over (order by clv desc) as d from s) group by d)) as deciles,
      (select n from risk) as risk_n, (select clv from risk) as risk_clv, (select spend from risk) as risk_spend`,
};

export async function clvSummary(w: Warehouse, p: { ws: number; palive: number }): Promise<ClvSummary> {
  const [r] = await w.all(sqlFor(w.dialect, SQL, 'clvSummary'), p);
  const bands = (r.bands as { band: string; customers: unknown; clv: unknown }[] | null) ?? [];
  const deciles = (r.deciles as { decile: unknown; clv: unknown }[] | null) ?? [];
  return {
    asOf: (r.as_of as string | null) ?? null, version: r.version === null ? null : Number(r.version),
    customers: Number(r.customers), totalClv: Number(r.total_clv),
    bands: bands.map((b) => ({ band: b.band, customers: Number(b.customers), clv: Number(b.clv) })),
    deciles: deciles.map((d) => ({ decile: Number(d.decile), clv: Number(d.clv) })),
    atRisk: { customers: Number(r.risk_n), clv: Number(r.risk_clv), pastSpend: Number(r.risk_spend) },
  };
}
