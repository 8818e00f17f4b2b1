import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * The customer base by profile attribute (用户画像分布): gender, age band (at $year), city tier, province,
 * acquisition channel and member tier; null shows as 'unknown'. Written here because the insight engine has no
 * portrait query yet; when it does, the report should call it instead.
 */
export interface PortraitRow {
  dim: 'gender' | 'age' | 'city_tier' | 'province' | 'acquisition_channel' | 'member_tier';
  value: string;
  customers: number;
}

const SQL = {
  duckdb: `with c as (
      select gender, birth_year, city_tier, province, acquisition_channel, member_tier
      from customers where workspace_id = $ws and status in ('active', 'restricted')
    )
    select 'gender' as dim, coalesce(nullif(gender, ''), 'unknown') as value, count(*) as customers from c group by 2
    union all
    select 'age', case when birth_year is null then 'unknown'
        when $year - birth_year < 18 then '<18' when $year - birth_year < 25 then '18-24' when $year - birth_year < 30 then '25-29'
        when $year - birth_year < 35 then '30-34' when $year - birth_year < 40 then '35-39' when $year - birth_year < 50 then '40-49'
        else '50+' end, count(*) from c group by 2
    union all
    select 'city_tier', coalesce(nullif(city_tier, ''), 'unknown'), count(*) from c group by 2
    union all
    select 'province', coalesce(nullif(province, ''), 'unknown'), count(*) from c group by 2
    union all
    select 'acquisition_channel', coalesce(nullif(acquisition_channel, ''), 'unknown'), count(*) from c group by 2
    union all
    select 'member_tier', coalesce(nullif(member_tier, ''), 'unknown'), count(*) from c group by 2`,
};

export async function portraitDistribution(w: Warehouse, p: { ws: number; year: number }): Promise<PortraitRow[]> {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'portraitDistribution'), p);
  return rows.map((r) => ({ dim: r.dim as PortraitRow['dim'], value: String(r.value), customers: Number(r.customers) }));
}
