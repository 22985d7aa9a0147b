-- Allow and deny entries, recipients' whitelists (address books) and whitelist requests (issue 4).

CREATE TABLE list_entry (
  id          INTEGER PRIMARY KEY,
  action      TEXT    NOT NULL CHECK (action IN ('allow', 'deny')),
  client      TEXT,             -- CIDR
  sender      TEXT,             -- address or domain pattern
  recipient   TEXT,
  helo        TEXT,
  skip        TEXT    NOT NULL, -- comma-separated check names (allow), empty (deny)
  reply       TEXT,             -- deny only
  expires_at  INTEGER,          -- epoch milliseconds, UTC; NULL: never
  note        TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);

-- owner: a recipient mailbox (bob@example.com) or domain (example.com);
-- sender: an address (alice@partner.example) or a whole domain (partner.example).
CREATE TABLE whitelist_sender (
  owner       TEXT    NOT NULL,
  sender      TEXT    NOT NULL,
  added_at    INTEGER NOT NULL,
  source      TEXT    NOT NULL, -- "import <file>", "cli", "api", "request <id>"
  PRIMARY KEY (owner, sender)
) WITHOUT ROWID;

CREATE TABLE whitelist_request (
  id          INTEGER PRIMARY KEY,
  email       TEXT    NOT NULL,
  client_ip   TEXT    NOT NULL,
  recipient   TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER,
  message     TEXT,
  entry_id    INTEGER
);
CREATE INDEX whitelist_request_status ON whitelist_request (status, created_at);

-- Bumped by every change to entries or whitelists, so a running server notices changes made by
-- the CLI (another process) within its refresh interval.
CREATE TABLE list_version (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  version     INTEGER NOT NULL
);
INSERT INTO list_version (id, version) VALUES (1, 0);
