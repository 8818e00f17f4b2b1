-- Per-customer model scores (模型评分), the latest per (customer, model, score); the card of (model, version)
-- says how they were made. Read by profiles, segments and lifecycle rules (e.g. p_alive).
create table customer_scores (
  workspace_id integer not null,
  customer_id bigint not null,
  model varchar not null,            -- clv | churn | clusters | next-purchase
  score varchar not null,            -- p_alive, expected_purchases, expected_spend, clv, churn_risk, cluster, …
  value double,
  label varchar,                     -- a readable value (cluster name, risk band) or reasons in plain words
  version integer not null,
  fitted_at timestamp not null,
  scored_at timestamp not null,
  as_of date,
  primary key (workspace_id, customer_id, model, score)
);
create index customer_scores_model on customer_scores (workspace_id, model, score);
