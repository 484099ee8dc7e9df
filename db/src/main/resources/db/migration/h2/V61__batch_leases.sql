-- Leases of batch runs (V61): the last time an instance working a run renewed its claims. Every instance renews the
-- runs it works and their claimed items' claimed_at; a run nobody renewed for a lease is taken up by another instance,
-- and the items a crashed instance held go back to pending (dev.casebook.server.batch.BatchTables).
ALTER TABLE eval_runs ADD COLUMN worked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE dream_jobs ADD COLUMN worked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE sandbox_task_jobs ADD COLUMN worked_at TIMESTAMP WITH TIME ZONE;
