-- Check modes switched on the admin pages (issue 5), over the configuration's, kept across restarts.
CREATE TABLE check_mode (
  name        TEXT    PRIMARY KEY,
  mode        TEXT    NOT NULL CHECK (mode IN ('enforce', 'observe', 'off')),
  changed_by  TEXT    NOT NULL,
  changed_at  INTEGER NOT NULL
);
