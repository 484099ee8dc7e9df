-- Run records of tasks (api engineer, V2-V9).
CREATE TABLE tasks (
    id           VARCHAR(36) PRIMARY KEY,
    tenant       VARCHAR(200) NOT NULL,
    text         VARCHAR(1000000000) NOT NULL,
    status       VARCHAR(20) NOT NULL,
    memory_mode  VARCHAR(20) NOT NULL,
    policy       VARCHAR(100),
    budgets      VARCHAR(1000000000) NOT NULL,
    attachments  VARCHAR(1000000000) NOT NULL,
    answer       VARCHAR(1000000000),
    reason       VARCHAR(100),
    detail       VARCHAR(1000000000),
    reward       DOUBLE PRECISION,
    reward_by    VARCHAR(100),
    tokens       BIGINT NOT NULL DEFAULT 0,
    case_id      VARCHAR(36),
    runner       VARCHAR(200) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE,
    finished_at  TIMESTAMP WITH TIME ZONE,
    feedback_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX tasks_tenant_created ON tasks (tenant, created_at);
CREATE INDEX tasks_status ON tasks (status);

CREATE TABLE task_steps (
    task_id  VARCHAR(36) NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    type     VARCHAR(40) NOT NULL,
    phase    VARCHAR(40) NOT NULL,
    payload  VARCHAR(1000000000) NOT NULL,
    tokens   BIGINT NOT NULL,
    millis   BIGINT NOT NULL,
    at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE task_selected_cases (
    task_id  VARCHAR(36) NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    case_id  VARCHAR(36) NOT NULL,
    score    DOUBLE PRECISION NOT NULL,
    role     VARCHAR(40),
    task     VARCHAR(1000000000),
    label    VARCHAR(20),
    PRIMARY KEY (task_id, position)
);
