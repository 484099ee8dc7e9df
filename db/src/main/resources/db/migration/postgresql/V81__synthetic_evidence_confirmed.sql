-- Synthetic evidence is second-class until a real outcome confirms it (issue 15). A synthetic or sandbox case is
-- confirmed when a real task that was shown it earns a rated reward of at least 0.5 (dev.casebook.memory.MemoryWriter);
-- until then a synthetic case's similarity is discounted by casebook.synthesis.synthetic-prior and the planner sees it
-- marked as simulated practice. Existing cases start unconfirmed.
ALTER TABLE cases ADD COLUMN confirmed BOOLEAN NOT NULL DEFAULT FALSE;

-- The learned policy's replay examples keep the case's source and confirmed bit as the network saw them (features of
-- layout 3) and the example's weight in training: 1 for a real or validated reward, casebook.synthesis.policy-weight
-- for one the experience model gave a dream. Rows written before are taken as real cases' examples of full weight,
-- with the source of their case where it is in this database (the pgvector store).
ALTER TABLE policy_replay ADD COLUMN case_source VARCHAR(20) NOT NULL DEFAULT 'real';
ALTER TABLE policy_replay ADD COLUMN confirmed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE policy_replay ADD COLUMN weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 1);
UPDATE policy_replay r SET case_source = c.source FROM cases c WHERE c.id::text = r.case_id;
