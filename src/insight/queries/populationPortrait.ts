import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { CUSTOMER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Population portrait (人群画像): the customer base (customers analytics may look at, src/insight/scope.ts, known by $to) counted by gender, age band
 * (at $to), city, city tier, acquisition channel, spend band (all-time GMV), member tier (as imported) and the
 * spend-based tier is in tiers.ts; lifecycle stages come from lifecycle.ts.
 */
const SQL = {
  duckdb: `with c as (
      select c.*, a.gmv::double as gmv, year($to::date) - c.birth_year as age
      from customers c left join insight_customer_agg a on a.workspace_id = c.workspace_id and a.customer_id = c.id
      where c.workspace_id = $ws and c.status = 'active' and ${analysed('c.id')} and ${CUSTOMER_FILTER}
        and coalesce(least(timezone($tz, timezone('UTC', c.registered_at))::date, timezone($tz, timezone('UTC', c.acquired_at))::date, a.first_order_date), $to::date) <= $to::date
    )
    select 'gender' as dim, coalesce(gender, 'unknown') as value, count(*) as customers from c group by all
    union all select 'age_band', case when age is null then 'unknown' when age < 18 then '<18' when age < 25 then '18–24' when age < 30 then '25–29'
        when age < 35 then '30–34' when age < 40 then '35–39' when age < 50 then '40–49' else '50+' end, count(*) from c group by all
    union all select 'city', coalesce(city, 'unknown'), count(*) from c group by all
    union all select 'city_tier', coalesce(city_tier, 'unknown'), count(*) from c group by all
    union all select 'acquisition_channel', coalesce(acquisition_channel, 'unknown'), count(*) from c group by all
    union all select 'member_tier', coalesce(member_tier, 'unknown'), count(*) from c group by all
    union all select 'spend_band', case when gmv is null or gmv = 0 then '0' when gmv < 100 then '<100' when gmv < 500 then '100–499'
        when gmv < 1000 then '500–999' when gmv < 2000 then '1000–1999' when gmv < 5000 then '2000–4999' else '5000+' end, count(*) from c group by all
    order by 1, 3 desc, 2`,
};

export async function populationPortrait(w: Warehouse, p: Record<string, unknown>): Promise<Record<string, { value: string; customers: number }[]>> {
  const out: Record<string, { value: string; customers: number }[]> = {};
  for (const r of await query(w, SQL, 'populationPortrait', p)) (out[String(r.dim)] ??= []).push({ value: String(r.value), customers: Number(r.customers) });
  return out;
}
