import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Month-by-month orders, GMV, ordering customers, and marketing-consent withdrawals (退订) for the trend chart
 * and the anomaly check of the risks chapter. Written here because the insight engine has no monthly series yet.
 * Params: $ws, $from (first day of the first month), $to (last day).
 */
export interface MonthPoint {
  month: string;
  orders: number;
  gmv: number;
  customers: number;
  withdrawals: number;
  complaints: number;
}

const SQL = {
  duckdb: `with months as (
      select strftime(m, '%Y-%m') as month from range(date_trunc('month', $from::date), $to::date + interval 1 day, interval 1 month) t(m)
    ),
    o as (
      select strftime(order_date, '%Y-%m') as month, count(*) as orders, sum(gross_amount) as gmv, count(distinct customer_id) as customers
      from orders where workspace_id = $ws and status <> 'cancelled' and order_date between $from::date and $to::date group by 1
    ),
    w as (
      select strftime(changed_at, '%Y-%m') as month, count(*) as withdrawals
      from consents where workspace_id = $ws and status = 'withdrawn' and purpose like 'marketing_%'
        and changed_at >= $from::date and changed_at < $to::date + interval 1 day group by 1
    ),
    c as (
      select strftime(event_date, '%Y-%m') as month, count(*) as complaints
      from events where workspace_id = $ws and type in ('complaint', 'unsubscribe') and event_date between $from::date and $to::date group by 1
    )
    select months.month, coalesce(o.orders, 0) as orders, coalesce(o.gmv, 0) as gmv, coalesce(o.customers, 0) as customers,
      coalesce(w.withdrawals, 0) as withdrawals, coalesce(c.complaints, 0) as complaints
    from months left join o using (month) left join w using (month) left join c using (month) order by months.month`,
};

export async function monthlySeries(w: Warehouse, p: { ws: number; from: string; to: string }): Promise<MonthPoint[]> {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'monthlySeries'), p);
  return rows.map((r) => ({
    month: String(r.month), orders: Number(r.orders), gmv: Number(r.gmv), customers: Number(r.customers),
    withdrawals: Number(r.withdrawals), complaints: Number(r.complaints),
  }));
}
