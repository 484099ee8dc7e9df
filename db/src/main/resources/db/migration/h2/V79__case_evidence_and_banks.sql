-- Case memory (memory integrity, issue 12), as in the PostgreSQL migration. The embedded default keeps cases and
-- their evidence in Lucene (cases written before carry no evidence there and are given one event from their state
-- when read); the cases tables here mirror the PostgreSQL ones. case_banks is used by both stores.
ALTER TABLE cases ADD COLUMN bank VARCHAR(200) DEFAULT 'default' NOT NULL;
CREATE INDEX cases_tenant_bank ON cases (tenant, bank);

CREATE TABLE case_evidence (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    episode     VARCHAR(1000000000) DEFAULT '' NOT NULL,
    source      VARCHAR(20) NOT NULL,
    reward      DOUBLE PRECISION NOT NULL CHECK (reward >= 0 AND reward <= 1),
    rater       VARCHAR(30) NOT NULL,
    plan        VARCHAR(1000000000) DEFAULT '' NOT NULL,
    answer      VARCHAR(1000000000) DEFAULT '' NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, id);

INSERT INTO case_evidence (case_id, episode, source, reward, rater, plan, answer, recorded_at)
SELECT id, origin, source, reward, 'unrated', plan, answer, updated_at FROM cases;

CREATE TABLE case_banks (
    tenant      VARCHAR(200) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    read_only   BOOLEAN DEFAULT FALSE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant, name)
);
