-- Tasks claimed from the database (task queue; V51, the next free version when it landed after V50), as in the
-- PostgreSQL migration: what rebuilds a queued task's TaskSpec, the claim's attempt (fencing token) and lease, and a
-- cancel request for the runner.
ALTER TABLE tasks ADD COLUMN origin VARCHAR(1000000000) DEFAULT '' NOT NULL;
ALTER TABLE tasks ADD COLUMN exclude_origins VARCHAR(1000000000) DEFAULT '[]' NOT NULL;
ALTER TABLE tasks ADD COLUMN exclude_tasks VARCHAR(1000000000) DEFAULT '[]' NOT NULL;
ALTER TABLE tasks ADD COLUMN attempt INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE tasks ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE tasks ADD COLUMN cancel_requested_at TIMESTAMP WITH TIME ZONE;
UPDATE tasks SET attempt = 1 WHERE started_at IS NOT NULL;
DROP INDEX tasks_status;
CREATE INDEX tasks_queue ON tasks (status, created_at);
