import type { StateMigration } from './index.ts';

/**
 * The consent ledger (同意记录), authoritative: a send reads it at send time. Append-only per customer × purpose;
 * `change_seq` orders every change for the warehouse's copy (src/store/sync). `origin` makes a row written on behalf
 * of the warehouse (an import's consent columns) idempotent. `consent_moves` records the rows an identity merge moved
 * to the survivor, so unmerge moves back exactly those.
 */
export const consents: StateMigration = {
  version: 40,
  name: 'consents',
  sql: (t) => `
create table consents (
  id ${t.serial},
  workspace_id integer not null,
  customer_id bigint not null,
  purpose text not null,
  status text not null,
  changed_at bigint not null,
  source text,
  evidence text,
  policy_version text,
  recorded_at bigint not null,
  origin text unique,
  change_seq bigint not null
);
create index consents_customer on consents (workspace_id, customer_id, purpose);
create index consents_change on consents (change_seq);

create table consent_moves (
  workspace_id integer not null,
  merge_id bigint not null,
  consent_id bigint not null,
  from_customer bigint not null,
  to_customer bigint not null,
  primary key (workspace_id, merge_id, consent_id)
);
`,
};
