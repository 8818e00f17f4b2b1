import type { StateMigration } from './index.ts';

/**
 * What ran: import runs per file and HTTP import jobs (their status resource survives a restart), model cards (模型卡:
 * one row per fitted version, what data it saw, its parameters and metrics) and the monthly report history.
 */
export const runs: StateMigration = {
  version: 60,
  name: 'runs',
  sql: () => `
create table import_runs (
  workspace_id integer not null,
  id text not null,
  entity text not null,
  source text,
  status text not null,
  started_at bigint not null,
  finished_at bigint,
  rows bigint, imported bigint, rejected bigint,
  summary text,
  error text,
  primary key (workspace_id, id)
);

create table import_jobs (
  workspace_id integer not null,
  id text not null,
  status text not null,
  entity text not null,
  files text,
  rows_done bigint not null default 0,
  started_at bigint not null,
  finished_at bigint,
  summary text,
  error text,
  primary key (workspace_id, id)
);

create table model_cards (
  workspace_id integer not null,
  model text not null,
  version integer not null,
  fitted_at bigint not null,
  calibration_end text,
  data_from text,
  data_to text,
  customers bigint,
  parameters text not null,
  metrics text,
  notes text,
  primary key (workspace_id, model, version)
);

create table report_history (
  workspace_id integer not null,
  month text not null,
  period_from text not null,
  period_to text not null,
  generated_at bigint not null,
  files text not null,
  findings integer not null,
  recommendations integer not null,
  primary key (workspace_id, month)
);
`,
};
