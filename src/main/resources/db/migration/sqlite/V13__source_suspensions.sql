-- Suspended outbound source addresses (issue 6, seed 004), so `portcullis pool status` and a restart see them.
CREATE TABLE source_suspension (
  address       TEXT    NOT NULL,
  destination   TEXT    NOT NULL,            -- a domain, or '' for all destinations
  health_check  INTEGER NOT NULL,            -- 1: our DNS list check (lifted when delisted); 0: a remote's refusal
  reason        TEXT    NOT NULL,
  since         INTEGER NOT NULL,            -- epoch milliseconds
  until         INTEGER,                     -- epoch milliseconds; NULL: until the check finds it clean
  PRIMARY KEY (address, destination, health_check)
) WITHOUT ROWID;
