-- The consent ledger moves to the state store (state migration 040); this table becomes the warehouse's copy of it,
-- kept by src/privacy/consentCopy.ts for analytics (the permitted_customers macro, coverage, reports). Each entry
-- carries its subject (the person who gave it) and, as customer_id, the customer that stands for the subject now
-- (the end of its merge chain); merges re-point customer_id, the ledger itself is never rewritten. No primary key:
-- the copy is written by one writer that keeps ids unique (no ART index that a log replay could corrupt).
-- Legacy rows: the subject is the customer the earliest merge still in force moved the row from, else its holder.
create table consents_v2 (
  workspace_id integer not null,
  id bigint not null,
  subject_id bigint not null,
  customer_id bigint not null,
  purpose varchar not null,
  status varchar not null,
  changed_at timestamp not null,
  source varchar,
  evidence varchar,
  policy_version varchar
);
insert into consents_v2
select c.workspace_id, c.id,
       coalesce((select arg_min(m.merged_id, m.id) from identity_merge_moves mv
                 join identity_merges m on m.workspace_id = mv.workspace_id and m.id = mv.merge_id and m.unmerged_at is null
                 where mv.workspace_id = c.workspace_id and mv.kind = 'consents' and mv.key = c.id::varchar), c.customer_id),
       c.customer_id, c.purpose, c.status, c.changed_at, c.source, c.evidence, c.policy_version
from consents c;
drop table consents;
alter table consents_v2 rename to consents;
delete from identity_merge_moves where kind = 'consents';

-- Consent entries an import wrote in its transaction, waiting to be relayed to the state ledger (idempotent by
-- origin, deleted once relayed): the transactional outbox that makes an import's consents exactly-once across stores.
create table consent_outbox (
  workspace_id integer not null,
  subject_id bigint not null,
  purpose varchar not null,
  status varchar not null,
  changed_at timestamp not null,
  source varchar,
  evidence varchar,
  policy_version varchar,
  origin varchar not null
);

-- How far each copy of state has been brought (the state change number it has applied).
create table sync_watermarks (
  name varchar not null,
  value bigint not null
);
