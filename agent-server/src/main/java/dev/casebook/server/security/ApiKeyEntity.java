package dev.casebook.server.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An API key stored as its SHA-256 (table {@code api_keys}). */
@Entity
@Table(name = "api_keys")
class ApiKeyEntity {
    @Id
    @Column(name = "key_hash")
    String keyHash;
    String tenant;
    String name;
    @Column(name = "created_at")
    Instant createdAt;

    protected ApiKeyEntity() {
    }

    ApiKeyEntity(String keyHash, String tenant, String name, Instant createdAt) {
        this.keyHash = keyHash;
        this.tenant = tenant;
        this.name = name;
        this.createdAt = createdAt;
    }
}
