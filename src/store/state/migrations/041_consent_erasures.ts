import type { StateMigration } from './index.ts';

/**
 * Entries erased from the consent ledger (an erasure, PIPL art. 47): the entry itself is deleted, and its id is kept
 * here with the change number of its erasure, so the warehouse's copy deletes it too (src/privacy/consentCopy.ts).
 * Nothing here names a person.
 */
export const consentErasures: StateMigration = {
  version: 41,
  name: 'consent_erasures',
  sql: () => `
create table consent_erasures (
  consent_id bigint primary key,
  change_seq bigint not null
);
create index consent_erasures_change on consent_erasures (change_seq);
`,
};
