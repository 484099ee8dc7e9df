-- Group-aware cases (issue 15): the rollouts of one generated task are decided together, once they all ended, by one
-- item of kind 'group'. A rollout keeps the plan, trace and answer its group's failure analysis reads; a group item
-- keeps the negative case it wrote (case_id holds the positive one) and the triage's verdict in verdict.
ALTER TABLE sandbox_task_items ADD COLUMN plan TEXT;
ALTER TABLE sandbox_task_items ADD COLUMN trace TEXT;
ALTER TABLE sandbox_task_items ADD COLUMN answer TEXT;
ALTER TABLE sandbox_task_items ADD COLUMN negative_case_id VARCHAR(36);
