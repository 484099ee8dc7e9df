-- Evaluation runs and their items (evaluation engineer, V10-V19).
CREATE TABLE eval_runs (
    id             VARCHAR(36) PRIMARY KEY,
    tenant         VARCHAR(200) NOT NULL,
    name           VARCHAR(200) NOT NULL,
    status         VARCHAR(20) NOT NULL,
    dataset_name   VARCHAR(500) NOT NULL,
    dataset_path   VARCHAR(1000000000) NOT NULL,
    dataset_format VARCHAR(20) NOT NULL,
    settings       VARCHAR(1000000000) NOT NULL,
    primary_scorer VARCHAR(40) NOT NULL,
    total_items    INTEGER NOT NULL,
    error          VARCHAR(1000000000),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    resumed_at     TIMESTAMP WITH TIME ZONE,
    finished_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX eval_runs_tenant_created ON eval_runs (tenant, created_at);
CREATE INDEX eval_runs_status ON eval_runs (status);

-- One row per (epoch, question, attempt), created with the run; seq is the episode index (the order they run in).
CREATE TABLE eval_items (
    run_id         VARCHAR(36) NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    epoch          INTEGER NOT NULL,
    attempt        INTEGER NOT NULL,
    item_id        VARCHAR(500) NOT NULL,
    item_group     VARCHAR(200) NOT NULL,
    question       VARCHAR(1000000000) NOT NULL,
    golds          VARCHAR(1000000000) NOT NULL,
    attachments    VARCHAR(1000000000) NOT NULL,
    status         VARCHAR(20) NOT NULL,
    claimed_by     VARCHAR(200),
    claimed_at     TIMESTAMP WITH TIME ZONE,
    task_id        VARCHAR(36),
    prediction     VARCHAR(1000000000),
    outcome        VARCHAR(100),
    detail         VARCHAR(1000000000),
    scores         VARCHAR(1000000000),
    correct        BOOLEAN,
    tokens         BIGINT,
    millis         BIGINT,
    selected_cases VARCHAR(1000000000),
    guard_leak     BOOLEAN,
    finished_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX eval_items_status ON eval_items (run_id, status, epoch, seq);
