-- Case memory (store helpers, V30-V39: numbered above every other range, so databases already at V20 take it).
-- The key of each case's task text (dev.casebook.memory.TaskKey: SHA-256 hex of the text stripped, whitespace
-- collapsed and lowercased), so that the leave-one-task-out guard of evaluation runs excludes identical text inside
-- the search, whatever the case's origin. The key is computed in Java only: SQL cannot reproduce Java's Unicode
-- lowercasing and whitespace rules exactly. Rows that exist when this runs get '' ("not computed yet");
-- PgVectorCaseStore fills them in when it opens.
ALTER TABLE cases ADD COLUMN task_key VARCHAR(64) NOT NULL DEFAULT '';
