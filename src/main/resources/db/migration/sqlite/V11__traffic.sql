-- The dashboard's traffic a minute at a time, so its charts survive a restart (issue 5).
CREATE TABLE traffic_minute (
  minute  INTEGER NOT NULL,  -- epoch seconds, UTC, the end of the minute
  series  TEXT    NOT NULL,  -- accepted, refused, deferred, greylisted, or check.<name>
  count   INTEGER NOT NULL,
  PRIMARY KEY (minute, series)
) WITHOUT ROWID;
