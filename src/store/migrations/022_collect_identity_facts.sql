-- Identity facts (身份关联) that arrived with tracked messages — identify, alias, 神策 track_signup / id bind /
-- profile_* — kept until identity resolution has applied them (applied_at). Identifiers inside `fact` are keyed
-- hashes and AES-GCM ciphertexts, never plaintext.
create sequence collect_fact_seq start 1;
create table collect_identity_facts (
  workspace_id integer not null,
  seq bigint not null default nextval('collect_fact_seq'),
  source_id integer not null,
  kind varchar not null,
  fact json not null,
  received_at timestamp not null default current_timestamp,
  applied_at timestamp,
  customer_id bigint,
  primary key (workspace_id, seq)
);
