-- Rejected collection requests per source (错误计数): bad payloads, limits, backpressure (429), a wrong write key.
-- Counted in memory on the request path and written by the loader about every half second, so a restart keeps
-- them. source_id 0 holds requests whose write key matched no source.
create table collect_source_errors (
  workspace_id integer not null,
  source_id integer not null,
  errors bigint not null default 0,
  last_error varchar,                              -- the last error code, e.g. bad_json, too_large, slow_down
  last_error_at timestamp,
  primary key (workspace_id, source_id)
);
