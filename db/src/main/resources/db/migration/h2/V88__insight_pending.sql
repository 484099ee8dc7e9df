-- Pending insight distillations (issue 19 item 3), as in the PostgreSQL migration. The embedded default keeps them in
-- the Lucene insight index; this table keeps both vendors on one schema history.
CREATE TABLE insight_pending (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY,
    tenant   VARCHAR(200) NOT NULL,
    case_id  UUID NOT NULL,
    since    TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant, case_id)
);
