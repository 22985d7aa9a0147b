-- An explanation's rule and fix are the same text for every refusal of a kind: keep each text once.
-- Rows written from now on have rule = '' and fix = '' and point here; older rows keep their texts.
CREATE TABLE explanation_text (
  id    INTEGER PRIMARY KEY,
  text  TEXT    NOT NULL UNIQUE
);
ALTER TABLE refusal ADD COLUMN rule_id INTEGER REFERENCES explanation_text (id);
ALTER TABLE refusal ADD COLUMN fix_id INTEGER REFERENCES explanation_text (id);
