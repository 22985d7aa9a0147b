-- DMARC aggregate-report data (issue 14, RFC 7489 7.2): messages per UTC day, author domain, source
-- address, disposition and results, added to in batches by the gateway.
CREATE TABLE dmarc_tally (
  day TEXT NOT NULL,
  header_from TEXT NOT NULL,
  policy_domain TEXT NOT NULL,
  source TEXT NOT NULL,
  disposition TEXT NOT NULL,
  dkim TEXT NOT NULL,
  spf TEXT NOT NULL,
  override TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, header_from, policy_domain, source, disposition, dkim, spf, override)
);
