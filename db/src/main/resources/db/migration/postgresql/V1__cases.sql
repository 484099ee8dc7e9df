-- Case memory (store helpers, V1). One row per case; the embedding's dimension is the Flyway placeholder
-- embedding_dimension (the configured embedder's), checked by PgVectorCaseStore when it opens.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE cases (
    id          UUID PRIMARY KEY,
    tenant      VARCHAR(200) NOT NULL,
    task        TEXT NOT NULL,
    plan        TEXT NOT NULL DEFAULT '',
    answer      TEXT NOT NULL DEFAULT '',
    reward      DOUBLE PRECISION NOT NULL CHECK (reward >= 0 AND reward <= 1),
    label       VARCHAR(20) NOT NULL CHECK (label IN ('positive', 'negative')),
    source      VARCHAR(20) NOT NULL CHECK (source IN ('real', 'synthetic', 'sandbox')),
    origin      TEXT NOT NULL DEFAULT '',
    uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
    successes   INTEGER NOT NULL DEFAULT 0 CHECK (successes >= 0 AND successes <= uses),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    embedding   vector(${embedding_dimension}) NOT NULL,
    -- full text for the keyword half of hybrid search: the task weighs more than plan and answer
    text_search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', task), 'A')
        || setweight(to_tsvector('english', plan || ' ' || answer), 'B')) STORED
);

CREATE INDEX cases_tenant_created ON cases (tenant, created_at DESC, id DESC);
CREATE INDEX cases_tenant_origin ON cases (tenant, origin);
CREATE INDEX cases_embedding_hnsw ON cases USING hnsw (embedding vector_cosine_ops);
CREATE INDEX cases_text_search ON cases USING gin (text_search);
