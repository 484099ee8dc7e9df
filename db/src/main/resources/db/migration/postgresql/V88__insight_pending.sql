-- Pending insight distillations (issue 19 item 3): the rated cases whose family waits for a distillation, so that
-- work queued when a server stops is taken up again when it starts.
CREATE TABLE insight_pending (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY,
    tenant   VARCHAR(200) NOT NULL,
    case_id  UUID NOT NULL,
    since    TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    PRIMARY KEY (tenant, case_id)
);
