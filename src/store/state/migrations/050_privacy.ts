import type { StateMigration } from './index.ts';

/**
 * Data-subject requests (PIPL arts. 44–47), tracked with due dates — the row keeps the customer's internal number
 * only, so it survives an erasure as proof — and retention policies per data class (保存期限).
 */
export const privacy: StateMigration = {
  version: 50,
  name: 'privacy',
  sql: (t) => `
create table dsr_requests (
  id ${t.serial},
  workspace_id integer not null,
  customer_id bigint,
  kind text not null,
  status text not null default 'open',
  received_at bigint not null,
  due_at bigint not null,
  completed_at bigint,
  channel text,
  note text,
  handled_by text,
  result text,
  change_seq bigint
);
create index dsr_requests_customer on dsr_requests (workspace_id, customer_id);

create table retention_policies (
  workspace_id integer not null,
  data_class text not null,
  keep_days integer,
  description text,
  updated_at bigint not null,
  primary key (workspace_id, data_class)
);
insert into retention_policies (workspace_id, data_class, keep_days, description, updated_at) values
  (1, 'raw_events', 730, 'behaviour events (page views, messages, visits): 24 months, then only aggregates', 0),
  (1, 'quarantine_files', 30, 'rejected import rows kept for correction', 0),
  (1, 'logs', 180, 'internal error logs (Cybersecurity Law art. 21: at least 6 months)', 0),
  (1, 'sessions', 0, 'expired console sessions', 0),
  (1, 'dsr_exports', 30, 'data-subject copies written for hand-over', 0),
  (1, 'dsr_requests', 1095, 'closed data-subject requests (proof of handling): 3 years', 0);
`,
};
