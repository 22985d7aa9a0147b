-- Quarantined messages (issue 15): the message is a file under <data-dir>/quarantine, this its metadata.
CREATE TABLE quarantine (
  id TEXT PRIMARY KEY,
  received INTEGER NOT NULL,
  client_address TEXT NOT NULL,
  sender TEXT NOT NULL,
  subject TEXT NOT NULL,
  check_name TEXT NOT NULL,
  reason TEXT NOT NULL,
  reference TEXT NOT NULL,
  size INTEGER NOT NULL,
  state TEXT NOT NULL,
  changed INTEGER NOT NULL,
  changed_by TEXT NOT NULL
);
CREATE INDEX quarantine_received ON quarantine (received);
CREATE TABLE quarantine_recipient (
  id TEXT NOT NULL REFERENCES quarantine (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  domain TEXT NOT NULL
);
CREATE INDEX quarantine_recipient_id ON quarantine_recipient (id);
CREATE INDEX quarantine_recipient_domain ON quarantine_recipient (domain, id);
