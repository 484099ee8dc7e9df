package dev.casebook.server.attachments;

import dev.casebook.server.tasks.AttachmentLookup;
import dev.casebook.server.web.UploadName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * The tenants' attachments: each file under its own directory of {@code casebook.attachments.dir}, named as the
 * client named it (its last path element only, checked by {@link UploadName}), recorded in the {@code attachments} table. Uploads
 * ({@code POST /api/attachments}) and files sent inline in a chat ({@code /v1/chat/completions}) are kept alike.
 */
@Component
public class AttachmentStore implements AttachmentLookup {
    private final AttachmentRepository repository;
    private final AttachmentSettings settings;

    AttachmentStore(AttachmentRepository repository, AttachmentSettings settings) {
        this.repository = repository;
        this.settings = settings;
    }

    /** A kept file: its id (for a task's {@code attachments}), name, size in bytes and content type. */
    public record Stored(String id, String name, long size, String contentType) {
    }

    /**
     * Keeps the file of the tenant; a failed copy leaves nothing behind.
     *
     * @param name        the client's file name; only its last path element is used ({@code file} when blank)
     * @param contentType null for {@code application/octet-stream}
     * @throws dev.casebook.server.web.ApiException 400 when the name names no file ({@link UploadName})
     */
    public Stored store(String tenant, String name, String contentType, InputStream content) throws IOException {
        String fileName = UploadName.of(name, "file").value();
        String id = UUID.randomUUID().toString();
        Path dir = settings.dir().resolve(id);
        Files.createDirectories(dir);
        Path target = dir.resolve(fileName);
        long size;
        try (content) {
            size = Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            FileSystemUtils.deleteRecursively(dir);
            throw e;
        }
        String type = Objects.requireNonNullElse(contentType, "application/octet-stream");
        repository.save(new AttachmentEntity(id, tenant, fileName, size, type, target.toAbsolutePath().toString(),
                Instant.now()));
        return new Stored(id, fileName, size, type);
    }

    @Override
    public Optional<Path> path(String tenant, String attachmentId) {
        return repository.findByIdAndTenant(attachmentId, tenant).map(e -> Path.of(e.path));
    }
}
