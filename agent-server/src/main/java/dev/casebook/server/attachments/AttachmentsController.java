package dev.casebook.server.attachments;

import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Uploads of task attachments (multipart field {@code file}); size limited by {@code spring.servlet.multipart}. */
@RestController
class AttachmentsController {
    private final AttachmentStore store;

    AttachmentsController(AttachmentStore store) {
        this.store = store;
    }

    @PostMapping("/api/attachments")
    ResponseEntity<AttachmentStore.Stored> upload(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam("file") MultipartFile file) throws IOException {
        if (file.isEmpty()) {
            throw ApiException.badRequest("the uploaded file 'file' is empty");
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(store.store(tenant, file.getOriginalFilename(), file.getContentType(), file.getInputStream()));
    }
}
