-- Insight rollups for the suite at scale (issue #4): the per-customer-month rows carry the customer's cohort month
-- (cohorts read one table, no join), and a per-day × channel × store × guide rollup of order totals answers the
-- order KPIs of any window with the channel / store / staff filters. Derived data: rebuilt on next use.
drop table insight_customer_month;
create table insight_customer_month (
  workspace_id integer not null,
  customer_id bigint not null,
  month date not null,
  cohort date not null,
  orders integer not null,
  gmv decimal(18,2) not null
);
create table insight_daily (
  workspace_id integer not null,
  day date not null,
  channel varchar,
  store_code varchar,
  staff_code varchar,
  orders bigint not null,
  gmv decimal(18,2) not null,
  discounts decimal(18,2) not null,
  refunds decimal(18,2) not null,
  refunded_orders bigint not null
);
delete from insight_watermarks where name = 'orders';
-- Merges made or undone since the last refresh ("made/undone" counts): a merge moves orders without importing them.
alter table insight_watermarks add column merges varchar;
