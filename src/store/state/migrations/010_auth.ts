import type { StateMigration } from './index.ts';

/**
 * Console users, their sessions and scoped API keys (src/server/auth). Passwords are scrypt hashes; session tokens
 * and API-key secrets are stored only as SHA-256 hashes. Login attempts are counted here (per user name and per
 * client address), so a lockout holds across restarts and parallel requests.
 */
export const auth: StateMigration = {
  version: 10,
  name: 'auth',
  sql: () => `
create table users (
  username text primary key,
  workspace_id integer not null default 1,
  role text not null,
  password_hash text not null,
  staff_code text,
  disabled integer not null default 0,
  must_change_password integer not null default 0,
  created_at bigint not null,
  last_login_at bigint
);

create table sessions (
  token_hash text primary key,
  username text not null,
  created_at bigint not null,
  expires_at bigint not null
);
create index sessions_user on sessions (username);

create table api_keys (
  id text primary key,
  secret_hash text not null,
  name text,
  role text not null,
  scopes text not null,
  staff_code text,
  created_by text,
  created_at bigint not null,
  expires_at bigint,
  revoked_at bigint
);

create table login_attempts (
  kind text not null,
  subject text not null,
  failures integer not null,
  first_failed_at bigint not null,
  locked_until bigint,
  primary key (kind, subject)
);
`,
};
