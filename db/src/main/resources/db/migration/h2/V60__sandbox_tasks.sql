-- Sandbox task jobs (sandbox-task engineer, V60-V69): EvoCUA-style tasks generated with executable validators, kept
-- when the validator passes a reference solution and fails a no-op, then rolled out by the agent in a sandbox.

-- Jobs (lifecycle columns as eval_runs: dev.casebook.server.batch.BatchTables).
CREATE TABLE sandbox_task_jobs (
    id           VARCHAR(36) PRIMARY KEY,
    tenant       VARCHAR(200) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    status       VARCHAR(20) NOT NULL,
    settings     VARCHAR(1000000000) NOT NULL,
    error        VARCHAR(1000000000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE,
    resumed_at   TIMESTAMP WITH TIME ZONE,
    finished_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX sandbox_task_jobs_tenant_created ON sandbox_task_jobs (tenant, created_at);
CREATE INDEX sandbox_task_jobs_status ON sandbox_task_jobs (status);

-- What the generator proposed for each slot of a job, kept or discarded (with the reason and what the programs said).
CREATE TABLE sandbox_tasks (
    job_id           VARCHAR(36) NOT NULL REFERENCES sandbox_task_jobs (id) ON DELETE CASCADE,
    slot             INTEGER NOT NULL,
    round            INTEGER NOT NULL,
    difficulty       INTEGER NOT NULL,
    estimate         INTEGER,
    statement        VARCHAR(1000000000),
    files            VARCHAR(1000000000),
    validator        VARCHAR(1000000000),
    reference        VARCHAR(1000000000),
    kept             BOOLEAN NOT NULL,
    reason           VARCHAR(100),
    detail           VARCHAR(1000000000),
    reference_answer VARCHAR(1000000000),
    tokens           BIGINT NOT NULL,
    millis           BIGINT NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, slot)
);

-- A job's items: a generation per slot (kind 'generate', epoch 2 * round), created with the job, and the rollouts of a
-- kept task (kind 'rollout', epoch 2 * round + 1), added when its generation finishes.
CREATE TABLE sandbox_task_items (
    run_id           VARCHAR(36) NOT NULL REFERENCES sandbox_task_jobs (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    epoch            INTEGER NOT NULL,
    kind             VARCHAR(20) NOT NULL,
    slot             INTEGER NOT NULL,
    rollout          INTEGER,
    round            INTEGER NOT NULL,
    difficulty       INTEGER,
    status           VARCHAR(20) NOT NULL,
    claimed_by       VARCHAR(200),
    claimed_at       TIMESTAMP WITH TIME ZONE,
    task_id          VARCHAR(36),
    case_id          VARCHAR(36),
    reward           DOUBLE PRECISION,
    verdict          VARCHAR(40),
    validator_output VARCHAR(1000000000),
    lesson           VARCHAR(1000000000),
    outcome          VARCHAR(100),
    detail           VARCHAR(1000000000),
    tokens           BIGINT,
    millis           BIGINT,
    finished_at      TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX sandbox_task_items_status ON sandbox_task_items (run_id, status, epoch, seq);
