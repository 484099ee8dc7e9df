-- Case memory (store helpers, V1). The embedded default keeps cases in Lucene; this table mirrors the PostgreSQL
-- one so that both vendors carry the same schema history. The embedding is a fixed-length REAL array of the
-- Flyway placeholder embedding_dimension. Label and source carry no IN-list CHECK here: H2 2.x evaluates such a
-- constraint with the session that created it, which fails once Flyway's connection is closed.
CREATE TABLE cases (
    id          UUID PRIMARY KEY,
    tenant      VARCHAR(200) NOT NULL,
    task        VARCHAR(1000000000) NOT NULL,
    plan        VARCHAR(1000000000) NOT NULL DEFAULT '',
    answer      VARCHAR(1000000000) NOT NULL DEFAULT '',
    reward      DOUBLE PRECISION NOT NULL CHECK (reward >= 0 AND reward <= 1),
    label       VARCHAR(20) NOT NULL,
    source      VARCHAR(20) NOT NULL,
    origin      VARCHAR(1000000000) NOT NULL DEFAULT '',
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    successes   INTEGER NOT NULL DEFAULT 0 CHECK (successes >= 0 AND successes <= uses),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    embedding   REAL ARRAY[${embedding_dimension}] NOT NULL
);

CREATE INDEX cases_tenant_created ON cases (tenant, created_at DESC, id DESC);
CREATE INDEX cases_tenant_origin ON cases (tenant, origin);
