-- How far the loader has moved each write-ahead-log segment (<data>/wal/NNNNNNNN.wal) into the warehouse. The
-- offset advances in the same transaction that inserts the segment's events, so a restart replays exactly the
-- part not yet loaded (and the events primary key keeps a replayed messageId from being stored twice).
create table collect_wal_offsets (
  segment varchar primary key,
  loaded_offset bigint not null,
  updated_at timestamp not null default current_timestamp
);
