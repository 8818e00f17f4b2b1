import type { StateMigration } from './index.ts';

/**
 * Workspaces (brands) and the state-change feed: every change the warehouse must mirror (consents, restrictions …)
 * takes the next number of `state_changes` in the transaction that makes it, so the dimension sync
 * (src/store/sync) copies them in commit order. Instants are epoch milliseconds (bigint) throughout the state store.
 */
export const core: StateMigration = {
  version: 1,
  name: 'core',
  sql: () => `
create table workspaces (
  id integer primary key,
  name text not null,
  display_name text,
  timezone text not null default 'Asia/Shanghai',
  created_at bigint not null
);
insert into workspaces (id, name, created_at) values (1, 'default', 0);

create table state_counters (
  name text primary key,
  value bigint not null
);
insert into state_counters (name, value) values ('changes', 0);
`,
};
