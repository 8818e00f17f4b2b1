/**
 * Replenishment timing per category (补货周期): the days between a customer's consecutive purchase days in the
 * same category (order lines joined to products), on or before $asof, summarised per category; and per customer
 * and category, the last purchase day. Orders cancelled or fully refunded do not count.
 */
const CATEGORY_DAYS = `select distinct o.customer_id, p.category, o.order_date as d
      from orders o
      join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
      join products p on p.workspace_id = l.workspace_id and p.sku = l.sku
      where o.workspace_id = $ws and o.customer_id is not null and o.status not in ('cancelled', 'refunded')
        and o.order_date <= $asof::date and p.category is not null`;

export const REPLENISHMENT_BY_CATEGORY = {
  duckdb: `with cd as (${CATEGORY_DAYS}),
    gaps as (
      select category, date_diff('day', lag(d) over (partition by customer_id, category order by d), d) as gap from cd
    )
    select category, count(*)::integer as intervals,
      median(gap)::double as median_days, quantile_cont(gap, 0.25)::double as p25_days, quantile_cont(gap, 0.75)::double as p75_days
    from gaps where gap is not null group by category having count(*) >= 5 order by category`,
};

/** Per customer: the category whose replenishment falls due first (last purchase + the category's median gap). */
export const NEXT_DUE = {
  duckdb: `with cd as (${CATEGORY_DAYS}),
    last as (select customer_id, category, max(d) as last_d from cd group by all),
    med as (select unnest(from_json($cats::varchar, '["VARCHAR"]')) as category, unnest(from_json($days::varchar, '["DOUBLE"]')) as median_days)
    select customer_id, arg_min(category, last_d + median_days::integer) as category,
      min(date_diff('day', $asof::date, last_d + median_days::integer))::double as due_in_days
    from last join med using (category) group by customer_id`,
};
