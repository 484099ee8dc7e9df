-- Refutation (issue 15): an unconfirmed synthetic case shown to a real task whose rated reward is below 0.5 is
-- refuted and not shown to tasks again (dev.casebook.memory.MemoryWriter, casebook.synthesis.refute). A confirmed
-- case is never refuted and a refuted case is never confirmed; only a synthetic case can be refuted. Existing cases
-- start unrefuted.
ALTER TABLE cases ADD COLUMN refuted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD CONSTRAINT cases_refuted_synthetic_unconfirmed
    CHECK (NOT refuted OR (source = 'synthetic' AND NOT confirmed));
