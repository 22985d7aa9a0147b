-- Correspondents (issue 16): whom our users wrote to, so that replies skip the soft checks.
CREATE TABLE correspondent (
  user TEXT NOT NULL,
  correspondent TEXT NOT NULL,
  last_written INTEGER NOT NULL,
  PRIMARY KEY (user, correspondent)
);
CREATE INDEX correspondent_last_written ON correspondent (last_written);
