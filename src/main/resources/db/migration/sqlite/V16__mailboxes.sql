-- Mailboxes that exist (issue 12): with Maildir delivery only these, the configuration's
-- mail.known-recipients and submission users' logins are accepted at RCPT.
CREATE TABLE mailbox (
  address    TEXT    PRIMARY KEY,   -- lower case, user@domain
  created_at INTEGER NOT NULL,      -- epoch milliseconds, UTC
  note       TEXT    NOT NULL
) WITHOUT ROWID;

-- Bumped by every change to mailboxes or submission users, so a running server sees the CLI's changes.
CREATE TABLE mailbox_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO mailbox_version (id, version) VALUES (1, 0);
CREATE TRIGGER mailbox_added AFTER INSERT ON mailbox BEGIN UPDATE mailbox_version SET version = version + 1; END;
CREATE TRIGGER mailbox_removed AFTER DELETE ON mailbox BEGIN UPDATE mailbox_version SET version = version + 1; END;
CREATE TRIGGER mail_user_added AFTER INSERT ON mail_user BEGIN UPDATE mailbox_version SET version = version + 1; END;
CREATE TRIGGER mail_user_removed AFTER DELETE ON mail_user BEGIN UPDATE mailbox_version SET version = version + 1; END;
