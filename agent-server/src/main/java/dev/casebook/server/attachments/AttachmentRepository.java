package dev.casebook.server.attachments;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface AttachmentRepository extends JpaRepository<AttachmentEntity, String> {
    Optional<AttachmentEntity> findByIdAndTenant(String id, String tenant);
}
