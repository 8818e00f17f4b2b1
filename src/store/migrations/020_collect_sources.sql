-- Collection sources (数据源): one per instrumented site, app, mini-program or back end. A source's write key
-- authenticates the tracking API (Segment Basic auth, 神策 `token`); only its SHA-256 is used for lookup, the key
-- itself is kept encrypted (AES-256-GCM, 'keyid:base64') so an operator can show it again, and masked for lists.
create sequence collect_source_id_seq start 1;
create table collect_sources (
  workspace_id integer not null,
  id integer not null,
  name varchar not null,
  kind varchar not null default 'tracking',       -- tracking | sensors | wecom
  write_key_sha256 varchar not null,
  write_key_cipher varchar not null,
  write_key_masked varchar not null,
  created_at timestamp not null default current_timestamp,
  primary key (workspace_id, id)
);
create unique index collect_sources_name on collect_sources (workspace_id, name);
create unique index collect_sources_key on collect_sources (write_key_sha256);

-- Per-source counters kept by the loader in the same transaction that stores the events: exact, cheap to read.
create table collect_source_stats (
  workspace_id integer not null,
  source_id integer not null,
  events bigint not null default 0,                -- events stored (each messageId once)
  duplicates bigint not null default 0,            -- deliveries of an already stored messageId
  profile_updates bigint not null default 0,       -- identify / profile_* records applied
  last_seen_at timestamp,
  primary key (workspace_id, source_id)
);
