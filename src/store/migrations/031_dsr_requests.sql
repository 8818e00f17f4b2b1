-- Data-subject requests (个人信息主体权利请求, PIPL arts. 44–47), tracked with due dates. The request row keeps
-- the customer's internal number only (no identifier), so it survives an erasure as proof that it was handled.
create sequence dsr_id_seq start 1;
create table dsr_requests (
  workspace_id integer not null,
  id bigint not null default nextval('dsr_id_seq'),
  customer_id bigint,
  kind varchar not null,            -- access | portability | rectification | erasure | restriction | withdrawal
  status varchar not null default 'open',   -- open | done | rejected
  received_at timestamp not null,
  due_at timestamp not null,
  completed_at timestamp,
  channel varchar,                  -- where it came in: app, store, email, phone, api
  note varchar,
  handled_by varchar,
  result json,
  primary key (workspace_id, id)
);
