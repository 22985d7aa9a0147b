-- Correspondents (issue 16): the mail servers we delivered to, whose mail may skip the soft checks
-- (correspondents.trust-delivery-hosts).
CREATE TABLE correspondent_host (
  address TEXT PRIMARY KEY,
  last_delivered INTEGER NOT NULL
);
CREATE INDEX correspondent_host_last_delivered ON correspondent_host (last_delivered);
