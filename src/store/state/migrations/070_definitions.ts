import type { StateMigration } from './index.ts';

/** Definitions the brand writes: tag rules (标签) and the identity merge rules. Membership is computed in the warehouse. */
export const definitions: StateMigration = {
  version: 70,
  name: 'definitions',
  sql: () => `
create table tag_definitions (
  workspace_id integer not null,
  name text not null,
  kind text not null,
  rule text,
  description text,
  created_at bigint not null,
  updated_at bigint not null,
  primary key (workspace_id, name)
);

create table identity_settings (
  workspace_id integer primary key,
  priority text not null,
  unique_types text not null,
  updated_at bigint not null
);
`,
};
