-- A task's tokensEstimated kept on the task (issue 14): set when a step whose tokens were estimated is recorded,
-- instead of a LIKE over the task's step payloads on every read of the task. Tasks recorded before take it from
-- their steps once, with the query the read used.
ALTER TABLE tasks ADD COLUMN tokens_estimated BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE tasks SET tokens_estimated = TRUE
WHERE EXISTS (SELECT 1 FROM task_steps s WHERE s.task_id = tasks.id AND s.payload LIKE '%"tokensEstimated":true%');
