package dev.casebook.server.attachments;

import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.tasks.AttachmentLookup;
import dev.casebook.server.web.ApiException;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Uploads of task attachments (multipart field {@code file}); size limited by {@code spring.servlet.multipart}. */
@RestController
class AttachmentsController implements AttachmentLookup {
    private final AttachmentRepository repository;
    private final AttachmentSettings settings;

    AttachmentsController(AttachmentRepository repository, AttachmentSettings settings) {
        this.repository = repository;
        this.settings = settings;
    }

    record Uploaded(String id, String name, long size, String contentType) {
    }

    @PostMapping("/api/attachments")
    ResponseEntity<Uploaded> upload(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam("file") MultipartFile file) throws IOException {
        if (file.isEmpty()) {
            throw ApiException.badRequest("the uploaded file 'file' is empty");
        }
        String name = UploadName.of(file.getOriginalFilename(), "file").value();
        String id = UUID.randomUUID().toString();
        Path dir = settings.dir().resolve(id);
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        try (InputStream in = file.getInputStream()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            FileSystemUtils.deleteRecursively(dir);
            throw e;
        }
        String type = Objects.requireNonNullElse(file.getContentType(), "application/octet-stream");
        repository.save(new AttachmentEntity(id, tenant, name, file.getSize(), type,
                target.toAbsolutePath().toString(), Instant.now()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new Uploaded(id, name, file.getSize(), type));
    }

    @Override
    public Optional<Path> path(String tenant, String attachmentId) {
        return repository.findByIdAndTenant(attachmentId, tenant).map(e -> Path.of(e.path));
    }
}
