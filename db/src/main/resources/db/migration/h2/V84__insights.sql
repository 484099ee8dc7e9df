-- Insights (issue 19 item 3), as in the PostgreSQL migration; the centroid is a fixed-length REAL array here. The
-- embedded default keeps insights in Lucene; this table keeps both vendors on one schema history.
CREATE TABLE insights (
    id          UUID PRIMARY KEY,
    tenant      VARCHAR(200) NOT NULL,
    bank        VARCHAR(200) DEFAULT 'default' NOT NULL,
    family      VARCHAR(1000000000) DEFAULT '' NOT NULL,
    text        VARCHAR(1000000000) NOT NULL,
    centroid    REAL ARRAY[${embedding_dimension}] NOT NULL,
    members     INTEGER NOT NULL CHECK (members > 0),
    successes   INTEGER NOT NULL CHECK (successes >= 0),
    failures    INTEGER NOT NULL CHECK (failures >= 0),
    evidence    VARCHAR(1000000000) DEFAULT '' NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX insights_tenant_bank ON insights (tenant, bank);
