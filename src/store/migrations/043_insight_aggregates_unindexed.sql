-- The aggregates are derived, rebuilt in bulk: without primary keys (ART indexes made a full rebuild ~10× slower).
-- Uniqueness comes from the refresh itself (delete the customers in scope, insert them grouped). Rebuilt on next use.
drop table insight_customer_agg;
drop table insight_customer_month;
create table insight_customer_agg (
  workspace_id integer not null,
  customer_id bigint not null,
  first_order_date date not null,
  last_order_date date not null,
  orders integer not null,
  order_days integer not null,
  gmv decimal(18,2) not null,
  discounts decimal(18,2) not null,
  refunds decimal(18,2) not null
);
create table insight_customer_month (
  workspace_id integer not null,
  customer_id bigint not null,
  month date not null,
  orders integer not null,
  gmv decimal(18,2) not null
);
delete from insight_watermarks where name = 'orders';
