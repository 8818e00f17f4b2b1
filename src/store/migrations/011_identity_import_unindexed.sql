-- customer_identifiers and orders without ART indexes (issue #3, import speed). DuckDB's ART index costs more
-- than it gives here: at 1M order rows the primary keys and customer indexes were ~90 % of the write time and
-- most of the import's memory (an ART is held in memory whole; 10M order ids and 3.4M 64-character hashes do not
-- fit the 1 GB target). Writers keep the keys unique themselves: the importer inserts only rows an anti-join
-- found missing (orders by order id, identifiers by type + namespace + hash) and identity writes are serialised
-- in the process (src/identity/lock.ts). Point lookups become zone-map scans, milliseconds at these sizes.
-- DuckDB cannot drop a primary key in place, so each table is rebuilt with the same columns.

create table customer_identifiers_v2 (
  workspace_id integer not null,
  id_type varchar not null,
  namespace varchar not null default '',
  id_hash varchar not null,
  id_cipher varchar,
  id_masked varchar,
  customer_id bigint not null,
  source varchar,
  first_seen_at timestamp not null default current_timestamp
);
insert into customer_identifiers_v2 select workspace_id, id_type, namespace, id_hash, id_cipher, id_masked, customer_id, source, first_seen_at from customer_identifiers;
drop index if exists customer_identifiers_customer;
drop table customer_identifiers;
alter table customer_identifiers_v2 rename to customer_identifiers;

create table orders_v2 (
  workspace_id integer not null,
  order_id varchar not null,
  customer_id bigint,
  ordered_at timestamp not null,
  order_date date not null,
  channel varchar,
  store_code varchar, staff_code varchar, coupon_code varchar, campaign_id varchar,
  status varchar not null default 'paid',
  gross_amount decimal(18,2) not null,
  discount_amount decimal(18,2) not null default 0,
  refund_amount decimal(18,2) not null default 0,
  item_count integer,
  source varchar,
  imported_at timestamp not null default current_timestamp
);
insert into orders_v2 select workspace_id, order_id, customer_id, ordered_at, order_date, channel, store_code, staff_code, coupon_code, campaign_id,
  status, gross_amount, discount_amount, refund_amount, item_count, source, imported_at from orders;
drop index if exists orders_customer;
drop table orders;
alter table orders_v2 rename to orders;
