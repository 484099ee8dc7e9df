package dev.casebook.server.tasks;

import java.nio.file.Path;
import java.util.Optional;

/** Finds the file of an uploaded attachment of a tenant (implemented by the attachments feature). */
public interface AttachmentLookup {
    Optional<Path> path(String tenant, String attachmentId);
}
