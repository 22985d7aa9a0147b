-- Users of the submission listener (issue 6): Argon2id PHC password hashes, and the senders each may use.
CREATE TABLE mail_user (
  name          TEXT    PRIMARY KEY,   -- the login, lower case (often the user's own address)
  password_hash TEXT    NOT NULL,
  senders       TEXT    NOT NULL,      -- addresses and @domains the user may put in MAIL FROM, one per line
  any_sender    INTEGER NOT NULL,      -- 1: may use any sender (a trusted application)
  created_at    INTEGER NOT NULL       -- epoch milliseconds, UTC
);
