-- Collection dead letters (死信): what the loader could not store after it was acknowledged — an event, an identity
-- fact or a 神策 item that fails on its own (every other entry of its load is stored), kept with the reason and the
-- entry's logged text as the write-ahead log held it (ids keyed-hashed, traits encrypted, properties scrubbed of
-- PII), so nothing acknowledged is silently lost and one bad event never blocks the others. Counted per source
-- (`siyu sources list`: dead_letters). Written in the load transaction that moves the log offset past them.
create sequence collect_dead_letter_seq start 1;
create table collect_dead_letters (
  workspace_id integer not null,
  seq bigint not null default nextval('collect_dead_letter_seq'),
  source_id integer not null,
  kind varchar not null,                           -- event | fact | item (| entry: a logged text that does not parse)
  event_id varchar,                                -- <source id>:<messageId> for an event
  reason varchar not null,                         -- the engine's error, shortened
  entry varchar not null,                          -- the logged text of that one event / fact / item
  segment varchar,                                 -- where the log held it
  log_offset bigint,
  received_at timestamp,
  failed_at timestamp not null
);
