-- customers without its primary-key ART index (issue #3, import speed and memory), as migration 011 did for
-- customer_identifiers and orders: inserting 3.2M new customers of a 10M-row import kept one thread busy for 4 s on
-- the index, and an ART is held in memory whole. Customer ids come from customer_id_seq, assigned only by identity
-- resolution under its in-process lock (src/identity/lock.ts), so they stay unique without it; they are inserted in
-- increasing order, so a lookup by id is a zone-map scan. DuckDB cannot drop a primary key in place: the table is
-- rebuilt with the same columns.

create table customers_v2 (
  workspace_id integer not null,
  id bigint not null,
  status varchar not null default 'active',
  merged_into bigint,
  name_cipher varchar, name_masked varchar,
  gender varchar,
  birthday_cipher varchar, birth_year integer, birth_md varchar,
  is_minor boolean not null default false,
  province varchar, city varchar, city_tier varchar,
  acquisition_channel varchar, acquired_at timestamp,
  registered_at timestamp,
  member_tier varchar,
  owner_staff_code varchar, home_store_code varchar,
  traits json,
  created_at timestamp not null default current_timestamp,
  updated_at timestamp not null default current_timestamp
);
insert into customers_v2 select workspace_id, id, status, merged_into, name_cipher, name_masked, gender, birthday_cipher, birth_year, birth_md, is_minor,
  province, city, city_tier, acquisition_channel, acquired_at, registered_at, member_tier, owner_staff_code, home_store_code, traits, created_at, updated_at
  from customers order by workspace_id, id;
drop table customers;
alter table customers_v2 rename to customers;
