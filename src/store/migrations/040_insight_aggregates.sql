-- Insight aggregates (issue #4): per-customer and per-customer-month order totals, kept up to date from a
-- watermark on orders.imported_at (src/insight/aggregates.ts). Derived data only: rebuildable from orders at any
-- time; cancelled orders are left out, like every metric in docs/metrics.md.
create table insight_customer_agg (
  workspace_id integer not null,
  customer_id bigint not null,
  first_order_date date not null,
  last_order_date date not null,
  orders integer not null,
  order_days integer not null,
  gmv decimal(18,2) not null,
  discounts decimal(18,2) not null,
  refunds decimal(18,2) not null,
  primary key (workspace_id, customer_id)
);

create table insight_customer_month (
  workspace_id integer not null,
  customer_id bigint not null,
  month date not null,
  orders integer not null,
  gmv decimal(18,2) not null,
  primary key (workspace_id, customer_id, month)
);

create table insight_watermarks (
  workspace_id integer not null,
  name varchar not null,
  imported_through timestamp,
  order_count bigint not null default 0,
  refreshed_at timestamp not null default current_timestamp,
  primary key (workspace_id, name)
);
