-- Generation as validation (issue 15): each generated task keeps its near-miss solution (a plausible wrong program
-- its validator must reject), the verifications that sent it back to the generator before it was kept or discarded
-- (JSON list of {reason, detail}), and the real task it practises when the job was seeded from real weak spots.
ALTER TABLE sandbox_tasks ADD COLUMN near_miss TEXT;
ALTER TABLE sandbox_tasks ADD COLUMN repairs TEXT;
ALTER TABLE sandbox_tasks ADD COLUMN seed TEXT;
