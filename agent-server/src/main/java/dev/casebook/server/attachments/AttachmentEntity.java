package dev.casebook.server.attachments;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An uploaded file of a tenant (table {@code attachments}); the bytes live under {@code casebook.attachments.dir}. */
@Entity
@Table(name = "attachments")
class AttachmentEntity {
    @Id
    String id;
    String tenant;
    String name;
    long size;
    @Column(name = "content_type")
    String contentType;
    String path;
    @Column(name = "created_at")
    Instant createdAt;

    protected AttachmentEntity() {
    }

    AttachmentEntity(String id, String tenant, String name, long size, String contentType, String path,
            Instant createdAt) {
        this.id = id;
        this.tenant = tenant;
        this.name = name;
        this.size = size;
        this.contentType = contentType;
        this.path = path;
        this.createdAt = createdAt;
    }
}
