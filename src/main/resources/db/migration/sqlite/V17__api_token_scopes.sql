-- API tokens carry scopes (issue 12): comma-separated of report, lists, blocklist, admin. Tokens made
-- before scopes existed could do everything; they keep that as "admin".
ALTER TABLE api_token ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
