-- The case banks of a task (POST /api/tasks 'bank' and 'banks'), so that any replica rebuilds its TaskSpec as it was
-- received: bank is the one a read-write task writes its case to, banks a JSON array of those its cases are selected
-- from (empty: every bank of the tenant). Rows from before banks read as bank 'default', all banks.
ALTER TABLE tasks ADD COLUMN bank VARCHAR(200) DEFAULT 'default' NOT NULL;
ALTER TABLE tasks ADD COLUMN banks TEXT DEFAULT '[]' NOT NULL;
