-- Schema checks per event name (事件校验): the properties an event must carry and their types. Violations are
-- counted per source × event × problem, with an example event id — reported, never dropped.
create table collect_event_schemas (
  workspace_id integer not null,
  event varchar not null,
  schema json not null,            -- { "required": ["sku"], "types": { "sku": "string", "price": "number" } }
  updated_at timestamp not null default current_timestamp,
  primary key (workspace_id, event)
);

create table collect_schema_violations (
  workspace_id integer not null,
  source_id integer not null,
  event varchar not null,
  problem varchar not null,        -- e.g. "missing sku", "price is string, not number"
  count bigint not null,
  example_event_id varchar,
  first_seen_at timestamp not null,
  last_seen_at timestamp not null,
  primary key (workspace_id, source_id, event, problem)
);
