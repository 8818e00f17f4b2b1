-- HTTP import jobs (POST /api/v1/imports): their status resource survives a restart of the server. A job still
-- 'running' when a server starts was cut off by the previous process and is marked failed ('interrupted').
create table import_jobs (
  workspace_id integer not null,
  id varchar not null,
  status varchar not null,          -- running | done | failed
  entity varchar not null,
  files json,
  rows_done bigint not null default 0,
  started_at timestamp not null,
  finished_at timestamp,
  summary json,
  error json,
  primary key (workspace_id, id)
);
