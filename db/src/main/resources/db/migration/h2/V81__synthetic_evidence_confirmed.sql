-- Synthetic evidence is second-class until a real outcome confirms it (issue 15), as in the PostgreSQL migration.
-- The embedded default keeps cases in Lucene (a stored field there); the cases table here mirrors PostgreSQL's.
ALTER TABLE cases ADD COLUMN confirmed BOOLEAN DEFAULT FALSE NOT NULL;

ALTER TABLE policy_replay ADD COLUMN case_source VARCHAR(20) DEFAULT 'real' NOT NULL;
ALTER TABLE policy_replay ADD COLUMN confirmed BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE policy_replay ADD COLUMN weight DOUBLE PRECISION DEFAULT 1 NOT NULL CHECK (weight > 0 AND weight <= 1);
UPDATE policy_replay r SET case_source = COALESCE((SELECT c.source FROM cases c WHERE CAST(c.id AS VARCHAR) = r.case_id),
    'real');
