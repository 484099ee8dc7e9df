-- Tasks claimed from the database (task queue; V51, the next free version when it landed after V50). A queued task
-- carries everything that rebuilds its TaskSpec on any replica; a running one names the instance that claimed it
-- (runner), the attempt that claim is (the fencing token of every write of the run) and the lease the runner renews.
-- cancel_requested_at asks the runner, wherever it runs, to interrupt the task. Existing rows keep their meaning:
-- nothing was ever started twice, so a row that started is attempt 1; queued or running rows without a lease are
-- taken back like any expired claim.
ALTER TABLE tasks ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN exclude_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN exclude_tasks TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tasks ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE tasks ADD COLUMN cancel_requested_at TIMESTAMP WITH TIME ZONE;
UPDATE tasks SET attempt = 1 WHERE started_at IS NOT NULL;
-- claims read the oldest queued tasks and the expired running ones: both from one end of this index
DROP INDEX tasks_status;
CREATE INDEX tasks_queue ON tasks (status, created_at);
