-- WeCom (企业微信) callback sources: the corp id, and the callback Token / EncodingAESKey and the API secret
-- (for the reconciler), kept encrypted (AES-256-GCM 'keyid:base64'). `collect_wecom_seen` de-duplicates callbacks
-- (WeCom retries up to three times): FromUserName + CreateTime + a digest of the decrypted message.
create table collect_wecom (
  workspace_id integer not null,
  source_id integer not null,
  corp_id varchar not null,
  token_cipher varchar not null,
  aes_key_cipher varchar not null,
  secret_cipher varchar,
  api_base varchar not null default 'https://qyapi.weixin.qq.com',
  last_reconciled_at timestamp,
  primary key (workspace_id, source_id)
);

create table collect_wecom_seen (
  workspace_id integer not null,
  source_id integer not null,
  from_user varchar not null,
  create_time bigint not null,
  digest varchar not null,
  received_at timestamp not null default current_timestamp,
  primary key (workspace_id, source_id, from_user, create_time, digest)
);
