import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `with latest as (
      select customer_id, purpose, arg_max(status, changed_at) as status from consents where workspace_id = $ws group by all),
    active as (select id from customers where workspace_id = $ws and status in ('active', 'restricted'))
    select purpose, count(*) filter (where status = 'granted') as granted, count(*) filter (where status = 'withdrawn') as withdrawn,
           (select count(*) from active) as customers
    from latest where customer_id in (select id from active) group by purpose order by purpose`,
};

/** Consent coverage (同意覆盖率): per purpose, the share of active customers with a grant in force, and withdrawals. */
export async function consentCoverage(s: Warehouse, ws: number) {
  const rows = await s.all(sqlFor(s.dialect, SQL, 'consentCoverage'), { ws });
  const customers = rows.length ? Number(rows[0].customers) : 0;
  return Object.fromEntries(rows.map((r) => [String(r.purpose), { granted: Number(r.granted), withdrawn: Number(r.withdrawn), coverage: customers ? Math.round((Number(r.granted) / customers) * 10000) / 10000 : 0 }]));
}
