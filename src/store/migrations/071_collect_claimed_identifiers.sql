-- Identifiers a *client* source claimed for the person it names (a phone, e-mail, unionid … in an identify or a
-- 神策 profile record sent with a public write key): kept unverified, beside the customer the client's own ids
-- (user id, anonymous id) resolved to — never in customer_identifiers, so identity resolution never joins or merges
-- on them (a web page's key cannot attach itself to whoever holds that phone). Keyed hash, ciphertext and masked
-- form only. Erasure finds the rows by customer_id.
create table collect_claimed_identifiers (
  workspace_id integer not null,
  customer_id bigint not null,
  id_type varchar not null,
  namespace varchar not null default '',
  id_hash varchar not null,
  id_cipher varchar,
  id_masked varchar,
  source_id integer not null,
  first_seen_at timestamp not null,
  last_seen_at timestamp not null
);
