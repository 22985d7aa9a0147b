-- Tenant administrators (issue 15): their passwords kept apart from admin_user, so a tenant's
-- login never opens /admin, and the domains each manages.
CREATE TABLE tenant_user (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  answers_requests INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tenant_domain (
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  PRIMARY KEY (name, domain)
);

CREATE INDEX tenant_domain_domain ON tenant_domain (domain);
