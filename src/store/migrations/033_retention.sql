-- Retention policies per data class (保存期限). `siyu retention run` purges what is older than keep_days and audits
-- each purge. keep_days null: kept until erased.
create table retention_policies (
  workspace_id integer not null,
  data_class varchar not null,       -- raw_events | quarantine_files | logs | sessions | dsr_exports | dsr_requests
  keep_days integer,
  description varchar,
  updated_at timestamp not null default current_timestamp,
  primary key (workspace_id, data_class)
);
insert into retention_policies (workspace_id, data_class, keep_days, description) values
  (1, 'raw_events', 730, 'behaviour events (page views, messages, visits): 24 months, then only aggregates'),
  (1, 'quarantine_files', 30, 'rejected import rows kept for correction'),
  (1, 'logs', 180, 'internal error logs (Cybersecurity Law art. 21: at least 6 months)'),
  (1, 'sessions', 0, 'expired console sessions'),
  (1, 'dsr_exports', 30, 'data-subject copies written for hand-over'),
  (1, 'dsr_requests', 1095, 'closed data-subject requests (proof of handling): 3 years');
