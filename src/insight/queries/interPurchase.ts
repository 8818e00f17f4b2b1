import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Inter-purchase times (复购间隔): days between consecutive order days of a customer, for second-and-later order
 * days falling in the window (customers analytics may look at only). Bins, mean and quartiles.
 */
const SQL = {
  duckdb: `with d as (
      select o.customer_id, o.order_date as d from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and ${analysed('o.customer_id')} and o.order_date <= $to::date and ${ORDER_FILTER}
      group by all
    ),
    g as (select d, d - lag(d) over (partition by customer_id order by d) as gap from d)
    select
      count(*) as gaps, avg(gap) as mean, quantile_cont(gap, 0.25) as p25, quantile_cont(gap, 0.5) as median, quantile_cont(gap, 0.75) as p75,
      count(*) filter (where gap <= 7) as b7, count(*) filter (where gap between 8 and 14) as b14, count(*) filter (where gap between 15 and 30) as b30,
      count(*) filter (where gap between 31 and 60) as b60, count(*) filter (where gap between 61 and 90) as b90, count(*) filter (where gap between 91 and 180) as b180,
      count(*) filter (where gap between 181 and 365) as b365, count(*) filter (where gap > 365) as bmore
    from g where gap is not null and d >= $from::date`,
};

export async function interPurchase(w: Warehouse, p: Record<string, unknown>) {
  const [r] = await query(w, SQL, 'interPurchase', p);
  const n = (k: string) => Number(r?.[k] ?? 0);
  const x = (k: string) => (r?.[k] === null || r?.[k] === undefined ? null : Number(r[k]));
  return {
    gaps: n('gaps'), mean_days: x('mean'), p25_days: x('p25'), median_days: x('median'), p75_days: x('p75'),
    bins: [['1–7', 'b7'], ['8–14', 'b14'], ['15–30', 'b30'], ['31–60', 'b60'], ['61–90', 'b90'], ['91–180', 'b180'], ['181–365', 'b365'], ['>365', 'bmore']].map(([label, k]) => ({ days: label, gaps: n(k) })),
  };
}
