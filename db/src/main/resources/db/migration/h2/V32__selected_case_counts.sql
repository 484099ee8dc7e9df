-- The label and counts a selected case had when the policy selected it (policy engineer; numbered after V30, which landed first: Flyway refuses a lower version than one already applied): a late reward is
-- learned from with these (MemoryFeedback), not with counts that already include the reward. Null in rows recorded
-- before; the label was kept already.
ALTER TABLE task_selected_cases ADD COLUMN uses INTEGER;
ALTER TABLE task_selected_cases ADD COLUMN successes INTEGER;
