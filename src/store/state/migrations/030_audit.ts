import type { StateMigration } from './index.ts';

/**
 * The audit log (审计日志): append-only and chained — each row's hash covers its content and the previous row's
 * hash, keyed with the keyring's audit key (src/privacy/audit.ts). `audit_head` is the chain's one head row; an
 * append updates it in the same transaction, which also serialises appends across connections and nodes.
 */
export const audit: StateMigration = {
  version: 30,
  name: 'audit',
  sql: () => `
create table audit_log (
  seq bigint primary key,
  logged_at bigint not null,
  workspace_id integer,
  actor text not null,
  action text not null,
  target text,
  detail text,
  prev_hash text not null,
  hash text not null
);

create table audit_head (
  id integer primary key,
  seq bigint not null,
  hash text not null
);
insert into audit_head (id, seq, hash) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
`,
};
