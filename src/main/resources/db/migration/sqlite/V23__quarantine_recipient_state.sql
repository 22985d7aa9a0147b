-- Each recipient of a quarantined message is released or deleted on its own (a tenant's, a mailbox's
-- own decision); the entry's state follows theirs.
ALTER TABLE quarantine_recipient ADD COLUMN state TEXT NOT NULL DEFAULT 'HELD';
