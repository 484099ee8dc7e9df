-- Refutation (issue 15), as in the PostgreSQL migration: an unconfirmed synthetic case shown to a real task whose
-- rated reward is below 0.5 is refuted and not shown again. The embedded default keeps cases in Lucene (a stored
-- field there); the cases table here mirrors PostgreSQL's.
ALTER TABLE cases ADD COLUMN refuted BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE cases ADD CONSTRAINT cases_refuted_synthetic_unconfirmed
    CHECK (NOT refuted OR (source = 'synthetic' AND NOT confirmed));
