-- Model cards (模型卡): one row per fitted model version — what data it saw, its parameters and its metrics.
create table model_cards (
  workspace_id integer not null,
  model varchar not null,            -- bgnbd | gamma-gamma | churn | clusters | next-purchase
  version integer not null,          -- 1, 2, … per workspace and model
  fitted_at timestamp not null,
  calibration_end date,              -- last day of data the fit saw (inclusive)
  data_from date,
  data_to date,
  customers bigint,
  parameters json not null,
  metrics json,
  notes varchar,
  primary key (workspace_id, model, version)
);
