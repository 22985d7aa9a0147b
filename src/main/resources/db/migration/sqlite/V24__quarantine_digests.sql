-- Quarantine digests (issue 15): each mailbox's schedule, and the links a digest hands out (only
-- their SHA-256 hashes are kept).
CREATE TABLE quarantine_digest (
  mailbox TEXT PRIMARY KEY,
  schedule TEXT NOT NULL,
  format TEXT NOT NULL,
  last_sent INTEGER
);
CREATE TABLE quarantine_link (
  token_hash TEXT PRIMARY KEY,
  mailbox TEXT NOT NULL,
  entry TEXT NOT NULL,
  action TEXT NOT NULL,
  expires INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quarantine_link_expires ON quarantine_link (expires);
