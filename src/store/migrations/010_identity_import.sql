-- Identity resolution and import bookkeeping (issue #3). Merges are recorded with what they moved so that
-- `siyu identity unmerge` can put everything back; conflicts wait for a person to review them.

create sequence identity_merge_seq start 1;
create table identity_merges (
  workspace_id integer not null,
  id bigint not null,
  survivor_id bigint not null,
  merged_id bigint not null,
  rule varchar not null,            -- the identifier type whose link joined them (unionid | phone | member_no | …)
  via_type varchar, via_hash varchar,   -- the linking identifier (keyed hash)
  source varchar,
  merged_at timestamp not null default current_timestamp,
  unmerged_at timestamp,
  primary key (workspace_id, id)
);

-- What a merge moved from the merged customer to the survivor: identifiers (type|namespace|hash) and fact rows.
create table identity_merge_moves (
  workspace_id integer not null,
  merge_id bigint not null,
  kind varchar not null,            -- identifier | orders | events | consents | coupons | contact_ownership | group_members | campaign_members
  key varchar not null
);
create index identity_merge_moves_merge on identity_merge_moves (workspace_id, merge_id);

create sequence identity_conflict_seq start 1;
create table identity_conflicts (
  workspace_id integer not null,
  id bigint not null default nextval('identity_conflict_seq'),
  rule varchar not null,            -- the link that was not applied
  unique_type varchar not null,     -- the type one person would have held twice
  link_type varchar not null, link_namespace varchar not null, link_hash varchar not null,
  customer_a bigint not null, customer_b bigint not null,
  source varchar,
  detected_at timestamp not null default current_timestamp,
  status varchar not null default 'open',   -- open | merged | dismissed
  primary key (workspace_id, link_type, link_namespace, link_hash, customer_a, customer_b)
);

create table identity_settings (
  workspace_id integer primary key,
  priority varchar not null,        -- comma-separated identifier types, highest first
  unique_types varchar not null,
  updated_at timestamp not null default current_timestamp
);

create table import_runs (
  workspace_id integer not null,
  id varchar not null,
  entity varchar not null,
  source varchar,
  status varchar not null,          -- running | done | failed
  started_at timestamp not null,
  finished_at timestamp,
  rows bigint, imported bigint, rejected bigint,
  summary json,
  error varchar,
  primary key (workspace_id, id)
);
