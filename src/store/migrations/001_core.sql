-- Core retail private-domain model. Every row belongs to a workspace (a brand). Times are UTC TIMESTAMPs;
-- `*_date` columns hold the local calendar day in the workspace's time zone, fixed at write time, so that
-- analytics bucket by the day the customer lived through. PII columns come in pairs: *_hash (HMAC-SHA256 under
-- the workspace key, for matching) and *_cipher (AES-256-GCM, 'keyid:base64', for display), plus a masked form.

create table workspaces (
  id integer primary key,
  name varchar not null,
  timezone varchar not null default 'Asia/Shanghai',
  created_at timestamp not null default current_timestamp
);

create sequence customer_id_seq start 1;
create table customers (
  workspace_id integer not null,
  id bigint not null,
  status varchar not null default 'active',            -- active | restricted | erased | merged
  merged_into bigint,
  name_cipher varchar, name_masked varchar,
  gender varchar,                                        -- male | female | unknown
  birthday_cipher varchar, birth_year integer, birth_md varchar,   -- birth_md = 'MM-DD' for care messages
  is_minor boolean not null default false,
  province varchar, city varchar, city_tier varchar,
  acquisition_channel varchar, acquired_at timestamp,
  registered_at timestamp,
  member_tier varchar,
  owner_staff_code varchar, home_store_code varchar,
  traits json,
  created_at timestamp not null default current_timestamp,
  updated_at timestamp not null default current_timestamp,
  primary key (workspace_id, id)
);

-- phone | email | unionid | openid | external_userid | member_no | device_id | anonymous_id | user_id
create table customer_identifiers (
  workspace_id integer not null,
  id_type varchar not null,
  namespace varchar not null default '',               -- app id for openid, corp id for external_userid, source for user_id
  id_hash varchar not null,
  id_cipher varchar,
  id_masked varchar,
  customer_id bigint not null,
  source varchar,
  first_seen_at timestamp not null default current_timestamp,
  primary key (workspace_id, id_type, namespace, id_hash)
);
create index customer_identifiers_customer on customer_identifiers (workspace_id, customer_id);

create sequence consent_id_seq start 1;
create table consents (
  workspace_id integer not null,
  id bigint not null default nextval('consent_id_seq'),
  customer_id bigint not null,
  purpose varchar not null,        -- analytics | personalisation | marketing_sms | marketing_email | marketing_wecom | marketing_push | third_party | sensitive_<class> | guardian
  status varchar not null,         -- granted | withdrawn
  changed_at timestamp not null,
  source varchar,
  evidence varchar,
  policy_version varchar,
  primary key (workspace_id, id)
);
create index consents_customer on consents (workspace_id, customer_id, purpose);

create table stores (
  workspace_id integer not null,
  code varchar not null,
  name varchar not null,
  province varchar, city varchar, city_tier varchar,
  kind varchar,                     -- flagship | mall | street | outlet | online
  opened_at date,
  primary key (workspace_id, code)
);

create table staff (
  workspace_id integer not null,
  code varchar not null,
  name_cipher varchar, name_masked varchar,
  store_code varchar,
  role varchar,                     -- guide | manager | ops
  wecom_userid_hash varchar,
  joined_at date,
  primary key (workspace_id, code)
);

create table contact_ownership (
  workspace_id integer not null,
  customer_id bigint not null,
  staff_code varchar not null,
  added_at timestamp not null,
  removed_at timestamp,
  state varchar,                    -- the WeCom 'state' of the QR code: acquisition channel
  primary key (workspace_id, customer_id, staff_code, added_at)
);

create table products (
  workspace_id integer not null,
  sku varchar not null,
  name varchar not null,
  category varchar, brand varchar,
  price decimal(18,2),
  launched_at date,
  primary key (workspace_id, sku)
);

create table orders (
  workspace_id integer not null,
  order_id varchar not null,
  customer_id bigint,               -- null: not (yet) matched to a customer (an orphan)
  ordered_at timestamp not null,
  order_date date not null,         -- local day
  channel varchar,                  -- pos | mini_program | ecommerce | wecom | live_stream | official_account
  store_code varchar, staff_code varchar, coupon_code varchar, campaign_id varchar,
  status varchar not null default 'paid',   -- paid | completed | refunded | partially_refunded | cancelled
  gross_amount decimal(18,2) not null,
  discount_amount decimal(18,2) not null default 0,
  refund_amount decimal(18,2) not null default 0,
  item_count integer,
  source varchar,
  imported_at timestamp not null default current_timestamp,
  primary key (workspace_id, order_id)
);
create index orders_customer on orders (workspace_id, customer_id);

create table order_lines (
  workspace_id integer not null,
  order_id varchar not null,
  line_no integer not null,
  sku varchar,
  quantity integer not null default 1,
  unit_price decimal(18,2),
  amount decimal(18,2) not null,
  refund_amount decimal(18,2) not null default 0,
  primary key (workspace_id, order_id, line_no)
);

-- page_view | product_view | add_to_cart | order | content_read | content_like | content_share | group_join |
-- group_leave | group_message | message_delivered | message_opened | message_clicked | coupon_issued |
-- coupon_redeemed | store_visit | … (open-ended)
create table events (
  workspace_id integer not null,
  event_id varchar not null,
  customer_id bigint,
  anonymous_key varchar,            -- hash of the device / anonymous id when no customer is known yet
  type varchar not null,
  occurred_at timestamp not null,
  event_date date not null,
  properties json,
  source varchar,
  received_at timestamp not null default current_timestamp,
  primary key (workspace_id, event_id)
);
create index events_customer on events (workspace_id, customer_id);

create table content_items (
  workspace_id integer not null,
  content_id varchar not null,
  title varchar not null,
  kind varchar,                     -- article | video | live | poster
  topic varchar,
  published_at timestamp,
  primary key (workspace_id, content_id)
);

create table community_groups (
  workspace_id integer not null,
  group_id varchar not null,
  name varchar not null,
  owner_staff_code varchar,
  store_code varchar,
  created_at timestamp,
  dismissed_at timestamp,
  primary key (workspace_id, group_id)
);

create table group_members (
  workspace_id integer not null,
  group_id varchar not null,
  customer_id bigint not null,
  joined_at timestamp not null,
  left_at timestamp,
  primary key (workspace_id, group_id, customer_id, joined_at)
);

create table campaigns (
  workspace_id integer not null,
  campaign_id varchar not null,
  name varchar not null,
  kind varchar,                     -- winback | promotion | care | launch
  channel varchar,
  started_at timestamp, ended_at timestamp,
  primary key (workspace_id, campaign_id)
);

create table campaign_members (
  workspace_id integer not null,
  campaign_id varchar not null,
  customer_id bigint not null,
  arm varchar not null,             -- treatment | holdout
  assigned_at timestamp,
  primary key (workspace_id, campaign_id, customer_id)
);

create table coupons (
  workspace_id integer not null,
  coupon_code varchar not null,
  campaign_id varchar,
  customer_id bigint,
  value decimal(18,2),
  issued_at timestamp,
  expires_at timestamp,
  redeemed_at timestamp,
  order_id varchar,
  primary key (workspace_id, coupon_code)
);

create sequence audit_seq start 1;
create table audit_log (
  seq bigint primary key,
  logged_at timestamp not null,
  workspace_id integer,
  actor varchar not null,
  action varchar not null,
  target varchar,
  detail json,
  prev_hash varchar not null,
  hash varchar not null
);

insert into workspaces (id, name) values (1, 'default');
