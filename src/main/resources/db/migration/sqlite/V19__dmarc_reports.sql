-- DMARC aggregate reports others send us about our domains (issue 14, RFC 7489 7.2).
CREATE TABLE dmarc_report (
  id INTEGER PRIMARY KEY,
  organisation TEXT NOT NULL,
  report_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  period_begin INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  received INTEGER NOT NULL,
  UNIQUE (organisation, report_id)
);
CREATE INDEX dmarc_report_domain ON dmarc_report (domain, period_begin);
CREATE TABLE dmarc_report_row (
  report INTEGER NOT NULL REFERENCES dmarc_report (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  count INTEGER NOT NULL,
  disposition TEXT NOT NULL,
  dkim TEXT NOT NULL,
  spf TEXT NOT NULL,
  header_from TEXT NOT NULL
);
CREATE INDEX dmarc_report_row_report ON dmarc_report_row (report);
