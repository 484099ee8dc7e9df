-- An evaluation item's tokensEstimated kept on the item (issue 14): set when the item is finished, from the episode
-- recorded as its task, so a run's tokensEstimated is counted with its progress instead of a LIKE over the step
-- payloads of all its items' tasks on every read of the run. Items finished before take it from their task's steps
-- once, with the query the read used.
ALTER TABLE eval_items ADD COLUMN tokens_estimated BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE eval_items SET tokens_estimated = TRUE
WHERE task_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM task_steps s WHERE s.task_id = eval_items.task_id AND s.payload LIKE '%"tokensEstimated":true%');
