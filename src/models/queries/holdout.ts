import { PER_CUSTOMER } from './purchaseDays.ts';

/**
 * Calibration/holdout (校准期/验证期): for the customers whose first purchase is on or before $end, their
 * calibration history (x, t_x, T in days) with the purchase days they made in ($end, $hend], counted per history.
 */
export const HOLDOUT_BY_HISTORY = {
  duckdb: `with cal as (${PER_CUSTOMER.duckdb}),
      later as (
        select customer_id, count(distinct order_date) as n
        from orders
        where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded')
          and order_date > $end::date and order_date <= $hend::date
        group by customer_id
      )
    select cal.x, cal.tx_days, cal.t_days, count(*) as customers, coalesce(sum(later.n), 0) as holdout_days
    from cal left join later using (customer_id)
    group by all`,
};

/**
 * Repeat purchase days per week since the first order day in the store ($start), for the calibration cohort,
 * and the cohort's first purchase days (to predict the same curve from E[X(t)]).
 */
export const WEEKLY_REPEATS = {
  duckdb: `with days as (
        select customer_id, order_date as d
        from orders
        where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded') and order_date <= $hend::date
        group by customer_id, order_date
      ),
      ranked as (select customer_id, d, min(d) over (partition by customer_id) as first_d from days)
    select date_diff('day', $start::date, d) // 7 as week, count(*) as repeats
    from ranked where d > first_d and first_d <= $end::date
    group by all order by week`,
};

export const COHORT_FIRST_DAYS = {
  duckdb: `select date_diff('day', $start::date, first_d) as day, count(*) as customers
    from (
      select customer_id, min(order_date) as first_d from orders
      where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded')
      group by customer_id
    ) f
    where first_d <= $end::date group by all order by day`,
};
