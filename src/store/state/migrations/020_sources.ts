import type { StateMigration } from './index.ts';

/**
 * Collection sources (数据源) and their WeCom configuration. A write key is looked up by its SHA-256 (unique); the
 * key itself is kept encrypted ('keyid:base64') so an operator can show it again, and masked for lists. `trust` is
 * the source's trust level (client: a public key; server: a secret one), docs/collect.md.
 */
export const sources: StateMigration = {
  version: 20,
  name: 'sources',
  sql: (t) => `
create table collect_sources (
  id ${t.serial},
  workspace_id integer not null,
  name text not null,
  kind text not null default 'tracking',
  trust text not null default 'client',
  write_key_sha256 text not null unique,
  write_key_cipher text not null,
  write_key_masked text not null,
  settings text,
  created_at bigint not null,
  unique (workspace_id, name)
);

create table collect_wecom (
  workspace_id integer not null,
  source_id integer not null,
  corp_id text not null,
  token_cipher text not null,
  aes_key_cipher text not null,
  secret_cipher text,
  api_base text not null default 'https://qyapi.weixin.qq.com',
  last_reconciled_at bigint,
  primary key (workspace_id, source_id)
);
`,
};
