-- The tenant of each replay example (policy engineer; numbered after V30, which landed first: Flyway refuses a lower version than one already applied). One network learns from every tenant's rewards; the
-- tenant is kept so a tenant's examples can be audited and deleted (JdbcReplayLog.deleteTenant). Existing rows take
-- the tenant of their case when the case is in this database (the pgvector store); rows whose tenant cannot be known
-- (their case is in a Lucene store or was deleted) are deleted, so that no example is left that no tenant owns.
ALTER TABLE policy_replay ADD COLUMN tenant VARCHAR(200);
UPDATE policy_replay r SET tenant = c.tenant FROM cases c WHERE c.id::text = r.case_id;
DELETE FROM policy_replay WHERE tenant IS NULL;
ALTER TABLE policy_replay ALTER COLUMN tenant SET NOT NULL;
CREATE INDEX policy_replay_tenant ON policy_replay (tenant);
