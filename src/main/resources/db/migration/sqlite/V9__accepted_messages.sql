-- Accepted messages for the admin pages' recent transactions (issue 5); refusals are in refusal.
CREATE TABLE accepted_message (
  queue_id        TEXT    PRIMARY KEY,
  created_at      INTEGER NOT NULL,  -- epoch milliseconds, UTC
  client_address  TEXT    NOT NULL,
  client_name     TEXT    NOT NULL,
  helo            TEXT    NOT NULL,
  sender          TEXT    NOT NULL,
  recipients      TEXT    NOT NULL,
  size            INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX accepted_message_created_at ON accepted_message (created_at);
