-- The retry probe of "test your server" (issue 16): probes handed out for 24 hours and what reached them.
CREATE TABLE retry_probe (
  token TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX retry_probe_expires ON retry_probe (expires_at);
CREATE TABLE retry_probe_attempt (
  token TEXT NOT NULL REFERENCES retry_probe (token) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  client TEXT NOT NULL,
  helo TEXT NOT NULL,
  outcome TEXT NOT NULL,
  excerpt TEXT NOT NULL
);
CREATE INDEX retry_probe_attempt_token ON retry_probe_attempt (token, at);
