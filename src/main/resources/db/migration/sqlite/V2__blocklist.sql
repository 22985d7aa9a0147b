-- Our own blocklist: listings, their evidence and notes, false-positive reports.
CREATE TABLE listing (
  id              INTEGER PRIMARY KEY,
  network         TEXT    NOT NULL UNIQUE, -- canonical CIDR text, e.g. 192.0.2.7/32
  family          INTEGER NOT NULL,        -- 4 or 6
  is_network      INTEGER NOT NULL,        -- 0 for one address, 1 for a wider network
  range_start     TEXT    NOT NULL,        -- first address, hex (8 or 32 digits), for containment
  range_end       TEXT    NOT NULL,        -- last address, hex
  category        TEXT    NOT NULL,        -- spam-source, spam-trap, manual, report
  state           TEXT    NOT NULL,        -- listed, delisted, expired, permanent
  first_listed    INTEGER NOT NULL,        -- epoch milliseconds, UTC
  last_evidence   INTEGER NOT NULL,
  expires_at      INTEGER,                 -- null when permanent or inactive
  self_delistings INTEGER NOT NULL DEFAULT 0,
  change_seq      INTEGER NOT NULL         -- from blocklist_change, for servers polling for changes
);
CREATE INDEX listing_networks ON listing (family, range_start) WHERE is_network = 1;
CREATE INDEX listing_change ON listing (change_seq);
CREATE INDEX listing_expiry ON listing (state, expires_at);
CREATE INDEX listing_recent ON listing (last_evidence);

CREATE TABLE listing_evidence (
  id             INTEGER PRIMARY KEY,
  listing_id     INTEGER NOT NULL REFERENCES listing (id) ON DELETE CASCADE,
  at             INTEGER NOT NULL,
  source         TEXT    NOT NULL,
  client_address TEXT    NOT NULL,
  helo           TEXT    NOT NULL,
  sender         TEXT    NOT NULL,
  recipients     TEXT    NOT NULL,
  headers        TEXT    NOT NULL,          -- header excerpt; never a body
  note           TEXT    NOT NULL
);
CREATE INDEX listing_evidence_listing ON listing_evidence (listing_id, at);

CREATE TABLE listing_note (
  id         INTEGER PRIMARY KEY,
  listing_id INTEGER NOT NULL REFERENCES listing (id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  author     TEXT    NOT NULL,
  text       TEXT    NOT NULL
);
CREATE INDEX listing_note_listing ON listing_note (listing_id, at);

-- Deleted listings, so that servers polling for changes drop them too.
CREATE TABLE listing_removed (
  network    TEXT    NOT NULL,
  change_seq INTEGER NOT NULL
);
CREATE INDEX listing_removed_change ON listing_removed (change_seq);

-- One row: the last change number handed out.
CREATE TABLE blocklist_change (seq INTEGER NOT NULL);
INSERT INTO blocklist_change (seq) VALUES (0);

CREATE TABLE false_positive_report (
  id      INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  address TEXT    NOT NULL,
  contact TEXT    NOT NULL,
  message TEXT    NOT NULL,
  status  TEXT    NOT NULL,                -- open, accepted, declined
  answer  TEXT    NOT NULL
);
CREATE INDEX false_positive_report_status ON false_positive_report (status, at);
