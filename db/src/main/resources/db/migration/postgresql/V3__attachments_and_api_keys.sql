-- Uploaded task attachments and hashed API keys (api engineer, V2-V9).
CREATE TABLE attachments (
    id           VARCHAR(36) PRIMARY KEY,
    tenant       VARCHAR(200) NOT NULL,
    name         VARCHAR(500) NOT NULL,
    size         BIGINT NOT NULL,
    content_type VARCHAR(200) NOT NULL,
    path         VARCHAR(2000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE api_keys (
    key_hash   VARCHAR(64) PRIMARY KEY,
    tenant     VARCHAR(200) NOT NULL,
    name       VARCHAR(200) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
