-- Fidelity of the experience model (issue 15): each measurement of a tenant (POST /api/synthesis/fidelity) with its
-- whole report; reward_agreement (null when no episode could be re-judged) decides whether synthetic cases are
-- selectable (casebook.synthesis.min-reward-agreement).
CREATE TABLE synthesis_fidelity (
    id               VARCHAR(36) PRIMARY KEY,
    tenant           VARCHAR(200) NOT NULL,
    measured_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    reward_agreement DOUBLE PRECISION,
    reward_samples   INTEGER NOT NULL,
    report           TEXT NOT NULL
);
CREATE INDEX synthesis_fidelity_tenant ON synthesis_fidelity (tenant, measured_at);
