-- Delisting requests past the self-service limit share the review queue with false-positive reports.
ALTER TABLE false_positive_report ADD COLUMN kind TEXT NOT NULL DEFAULT 'false-positive';  -- or 'delisting'
