-- Case memory (store helpers, V30-V39): the key of each case's task text, as in the PostgreSQL migration. The embedded
-- default keeps cases in Lucene; this table only mirrors the PostgreSQL one so that both vendors carry the same
-- schema history.
ALTER TABLE cases ADD COLUMN task_key VARCHAR(64) DEFAULT '' NOT NULL;
