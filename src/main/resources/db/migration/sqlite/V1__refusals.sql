-- What `portcullis why <ref>` shows: one row per refusal, tag or observe-mode finding.
CREATE TABLE refusal (
  reference      TEXT    PRIMARY KEY,
  created_at     INTEGER NOT NULL,  -- epoch milliseconds, UTC
  server         TEXT    NOT NULL,
  check_name     TEXT    NOT NULL,
  phase          TEXT    NOT NULL,
  outcome        TEXT    NOT NULL,  -- reject, tempfail, disconnect, tag, observe
  reply_code     INTEGER NOT NULL,
  status         TEXT    NOT NULL,
  reply_text     TEXT    NOT NULL,
  client_address TEXT    NOT NULL,
  client_name    TEXT    NOT NULL,
  helo           TEXT    NOT NULL,
  sender         TEXT    NOT NULL,
  recipient      TEXT    NOT NULL,
  facts          TEXT    NOT NULL,  -- JSON array of {"label": ..., "value": ...}
  rule           TEXT    NOT NULL,
  fix            TEXT    NOT NULL
);

CREATE INDEX refusal_created_at ON refusal (created_at);
CREATE INDEX refusal_client ON refusal (client_address, created_at);
