-- Case memory (memory integrity, issue 12). A case keeps its evidence: one row per outcome that reached it (an
-- episode, a late reward, an import, an edit), from which its reward, label, plan and answer are derived
-- (dev.casebook.memory.CaseEvidence). Cases belong to a named bank of their tenant; a bank may be read-only.
ALTER TABLE cases ADD COLUMN bank VARCHAR(200) NOT NULL DEFAULT 'default';
CREATE INDEX cases_tenant_bank ON cases (tenant, bank);

CREATE TABLE case_evidence (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    episode     TEXT NOT NULL DEFAULT '',
    source      VARCHAR(20) NOT NULL,
    reward      DOUBLE PRECISION NOT NULL CHECK (reward >= 0 AND reward <= 1),
    rater       VARCHAR(30) NOT NULL,
    plan        TEXT NOT NULL DEFAULT '',
    answer      TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, id);

-- Cases written before evidence was kept get one event from their current state. Who gave their reward was not
-- recorded, so the event is 'unrated'; its episode is the case's origin (a task id or a dataset item).
INSERT INTO case_evidence (case_id, episode, source, reward, rater, plan, answer, recorded_at)
SELECT id, origin, source, reward, 'unrated', plan, answer, updated_at FROM cases;

CREATE TABLE case_banks (
    tenant      VARCHAR(200) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    read_only   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant, name)
);
