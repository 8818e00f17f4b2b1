-- The hand-written limit for the insight suite: what an analyst would type into DuckDB over the raw orders table,
-- with no aggregates kept. Same definitions as docs/metrics.md (all-time window). Run by bench/insight.ts, each
-- statement timed. Uses the orders table of the benchmark's store (workspace 1).

-- KPIs
select count(*) as orders, sum(gross_amount) as gmv, count(distinct customer_id) as customers,
  sum(gross_amount) / count(*) as aov,
  (select count(*) filter (where n >= 2) / count(*) from (select customer_id, count(*) as n from orders where status <> 'cancelled' and customer_id is not null group by customer_id)) as repurchase_rate
from orders where status <> 'cancelled';

-- Monthly cohorts
with cm as (select distinct customer_id, date_trunc('month', order_date) as m from orders where status <> 'cancelled' and customer_id is not null),
co as (select customer_id, min(m) as cohort from cm group by customer_id)
select co.cohort, date_diff('month', co.cohort, cm.m) as k, count(*) as customers from cm join co using (customer_id) group by all order by 1, 2;

-- RFM segments and scores
with v as (
  select customer_id, date_diff('day', max(order_date), (select max(order_date) + 1 from orders)) as r, count(*) as f, sum(gross_amount)::double as m
  from orders where status <> 'cancelled' and customer_id is not null group by customer_id
),
t as (select count(*) as n, avg(r) as tr, avg(f) as tf, avg(m) as tm from v),
s as (
  select 1 + (5 * (rank() over (order by r desc) - 1)) // t.n as rs, 1 + (5 * (rank() over (order by f) - 1)) // t.n as fs,
    1 + (5 * (rank() over (order by m) - 1)) // t.n as ms, r < t.tr as rh, f > t.tf as fh, m > t.tm as mh
  from v, t
)
select rs, fs, ms, rh, fh, mh, count(*) as customers from s group by all;
