-- Requesters hear the outcome (issue 12): each request has a status page behind a random token,
-- whitelist requests name the refusal they came from, and answers wait in an outbox until the
-- running server's outbound queue takes them.
ALTER TABLE whitelist_request ADD COLUMN reference TEXT NOT NULL DEFAULT '';
ALTER TABLE whitelist_request ADD COLUMN token TEXT;
CREATE UNIQUE INDEX whitelist_request_token ON whitelist_request (token);
CREATE INDEX whitelist_request_open ON whitelist_request (email, client_ip, recipient) WHERE status = 'pending';

ALTER TABLE false_positive_report ADD COLUMN token TEXT;
ALTER TABLE false_positive_report ADD COLUMN answered_at INTEGER;
CREATE UNIQUE INDEX false_positive_report_token ON false_positive_report (token);
CREATE INDEX false_positive_report_open ON false_positive_report (address, contact, kind) WHERE status = 'open';

CREATE TABLE notice (
  id         INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  recipient  TEXT    NOT NULL,
  subject    TEXT    NOT NULL,
  body       TEXT    NOT NULL,
  sent_at    INTEGER,            -- NULL while it waits for the outbound queue
  queue_id   TEXT
);
CREATE INDEX notice_pending ON notice (id) WHERE sent_at IS NULL;
CREATE INDEX notice_recipient ON notice (recipient, id);
