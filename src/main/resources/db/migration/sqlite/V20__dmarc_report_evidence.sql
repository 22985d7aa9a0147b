-- Aggregate reports we send (issue 14, RFC 7489 7.2 and appendix C) list the raw SPF and DKIM
-- results behind each row, so the tally gains them. V18's rows came only from unreleased builds
-- and cover at most a few days of counts; rebuilding the table is simpler than migrating a key.
DROP TABLE dmarc_tally;
CREATE TABLE dmarc_tally (
  day TEXT NOT NULL,
  header_from TEXT NOT NULL,
  policy_domain TEXT NOT NULL,
  source TEXT NOT NULL,
  disposition TEXT NOT NULL,
  dkim TEXT NOT NULL,
  spf TEXT NOT NULL,
  override TEXT NOT NULL,
  spf_domain TEXT NOT NULL,
  spf_scope TEXT NOT NULL,
  spf_result TEXT NOT NULL,
  signatures TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, policy_domain, header_from, source, disposition, dkim, spf, override, spf_domain, spf_scope,
    spf_result, signatures)
);

-- One line per day and policy domain whose report was sent (or not wanted any more).
CREATE TABLE dmarc_report_sent (
  day TEXT NOT NULL,
  policy_domain TEXT NOT NULL,
  report_id TEXT NOT NULL,
  destinations TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (day, policy_domain)
);
