-- Per-customer purchase-day summary (购买日汇总) the BG/NBD and Gamma-Gamma fits read when the calibration end is on
-- or after the last order: purchase days (same-day orders are one), first and last purchase day, the value of all
-- purchase days and of the first one. A cache of the orders, kept by src/models/purchaseSummary.ts from a watermark
-- on orders.imported_at and a fingerprint of the orders; no primary key (bulk rebuilds; uniqueness from the refresh).
create table model_customer_summary (
  workspace_id integer not null,
  customer_id bigint not null,
  orders integer not null,
  purchase_days integer not null,
  first_day date not null,
  last_day date not null,
  total_value decimal(18,2) not null,
  first_day_value decimal(18,2) not null
);
create table model_summary_watermarks (
  workspace_id integer primary key,
  imported_through timestamp,
  order_count bigint not null,
  fingerprint varchar not null,
  last_day date,                     -- the last qualifying order day the summary holds
  refreshed_at timestamp not null
);
