import type { StateMigration } from './index.ts';

/**
 * The consent ledger (同意记录), authoritative: a send reads it at send time. Append-only; each entry belongs to its
 * *subject* — the customer number of the person who gave or withdrew it, as it was when recorded (for an import row
 * that reached a survivor through a merged customer's identifier, that merged customer). Merges never rewrite it: the
 * entries in force for a customer are those of the customer and of everyone merged into them (the warehouse's merge
 * chain), so an unmerge gives each person back their own. `change_seq` orders every change for the warehouse's copy
 * (src/store/sync). `origin` makes an entry written on behalf of the warehouse (an import's consent columns, a
 * collected event) idempotent.
 */
export const consents: StateMigration = {
  version: 40,
  name: 'consents',
  sql: (t) => `
create table consents (
  id ${t.serial},
  workspace_id integer not null,
  subject_id bigint not null,
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
create index consents_subject on consents (workspace_id, subject_id, purpose);
create index consents_change on consents (change_seq);
`,
};
