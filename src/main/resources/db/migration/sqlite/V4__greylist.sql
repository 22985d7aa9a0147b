-- Greylisting (RFC 6647): one row per triplet.
CREATE TABLE greylist_triplet (
  client     TEXT    NOT NULL,  -- 192.0.2.0/24, 2001:db8::/64 or ptr:example.com
  sender     TEXT    NOT NULL,  -- normalised; <> for bounces
  recipient  TEXT    NOT NULL,
  first_seen INTEGER NOT NULL,  -- epoch milliseconds, UTC
  last_seen  INTEGER NOT NULL,
  passed_at  INTEGER,           -- null while deferred
  attempts   INTEGER NOT NULL,
  PRIMARY KEY (client, sender, recipient)
);
CREATE INDEX greylist_client_passes ON greylist_triplet (client, last_seen) WHERE passed_at IS NOT NULL;
CREATE INDEX greylist_last_seen ON greylist_triplet (last_seen);
