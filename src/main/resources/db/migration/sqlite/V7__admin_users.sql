-- Users of the admin pages (issue 5): passwords as Argon2id PHC strings, never in clear.
CREATE TABLE admin_user (
  name          TEXT    PRIMARY KEY,
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL
);
