-- Tags (标签, issue #4): rule definitions (declarative JSON, compiled against a whitelist of fields) and manual
-- ones; customer_tags holds who carries which tag, with where it came from.
create table tag_definitions (
  workspace_id integer not null,
  name varchar not null,
  kind varchar not null,            -- rule | manual
  rule json,                        -- { all: [ { field, op, value } ] } for kind = rule
  description varchar,
  created_at timestamp not null default current_timestamp,
  updated_at timestamp not null default current_timestamp,
  primary key (workspace_id, name)
);

create table customer_tags (
  workspace_id integer not null,
  customer_id bigint not null,
  tag varchar not null,
  source varchar not null,          -- rule | manual | import
  assigned_at timestamp not null default current_timestamp,
  primary key (workspace_id, customer_id, tag)
);
create index customer_tags_tag on customer_tags (workspace_id, tag);
