-- Insights (issue 19 item 3): lessons distilled from groups of cases, found by the centroid of the task family they
-- were learned from. Few rows per tenant (one per family), so look-ups scan them exactly (no vector index).
CREATE TABLE insights (
    id          UUID PRIMARY KEY,
    tenant      VARCHAR(200) NOT NULL,
    bank        VARCHAR(200) DEFAULT 'default' NOT NULL,
    family      TEXT DEFAULT '' NOT NULL,
    text        TEXT NOT NULL,
    centroid    vector(${embedding_dimension}) NOT NULL,
    members     INTEGER NOT NULL CHECK (members > 0),
    successes   INTEGER NOT NULL CHECK (successes >= 0),
    failures    INTEGER NOT NULL CHECK (failures >= 0),
    evidence    TEXT DEFAULT '' NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX insights_tenant_bank ON insights (tenant, bank);
