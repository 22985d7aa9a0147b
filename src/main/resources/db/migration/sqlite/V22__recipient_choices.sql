-- What each tenant (domain) and mailbox chose for per-recipient checks (issue 15).
CREATE TABLE recipient_choice (
  scope TEXT NOT NULL,
  check_name TEXT NOT NULL,
  choice TEXT NOT NULL,
  changed INTEGER NOT NULL,
  PRIMARY KEY (scope, check_name)
);
CREATE TABLE recipient_choice_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO recipient_choice_version (id, version) VALUES (1, 0);
