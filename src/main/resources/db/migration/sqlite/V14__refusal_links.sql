-- Where an explanation points for more (a DNS list's own lookup page, our listing): JSON array of
-- {"label": ..., "url": ...}.
ALTER TABLE refusal ADD COLUMN links TEXT NOT NULL DEFAULT '[]';
