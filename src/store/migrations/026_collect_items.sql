-- 神策 item records (物品/商品 catalogue): item_set sets an item's properties (scrubbed of PII like event
-- properties), item_delete removes it (kept as a tombstone with deleted = true, so a late-arriving older item_set
-- cannot bring it back). The latest record by its `time` wins; replays of the write-ahead log are idempotent.
create table collect_items (
  workspace_id integer not null,
  item_type varchar not null,
  item_id varchar not null,
  source_id integer not null,                      -- the source of the latest record
  properties json,                                 -- null once deleted
  deleted boolean not null default false,
  updated_ms bigint not null,                      -- the latest record's time (epoch ms)
  updated_at timestamp not null,
  primary key (workspace_id, item_type, item_id)
);
