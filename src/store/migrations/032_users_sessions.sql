-- Console users, their sessions and scoped API keys (src/server/auth). Passwords are scrypt hashes; session
-- tokens and API-key secrets are stored only as SHA-256 hashes (they are long random strings).
create table users (
  username varchar primary key,
  workspace_id integer not null default 1,
  role varchar not null,                       -- owner | admin | analyst | marketer | guide | auditor
  password_hash varchar not null,
  staff_code varchar,                          -- a store guide's own code: they see only their customers
  disabled boolean not null default false,
  must_change_password boolean not null default false,
  created_at timestamp not null default current_timestamp,
  last_login_at timestamp
);

create table sessions (
  token_hash varchar primary key,
  username varchar not null,
  created_at timestamp not null default current_timestamp,
  expires_at timestamp not null
);

create table api_keys (
  id varchar primary key,
  secret_hash varchar not null,
  name varchar,
  role varchar not null,
  scopes varchar not null,                     -- comma-separated permissions, or '*'
  staff_code varchar,
  created_by varchar,
  created_at timestamp not null default current_timestamp,
  expires_at timestamp,
  revoked_at timestamp
);
