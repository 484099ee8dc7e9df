package dev.casebook.server.attachments;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where uploaded attachments are kept ({@code casebook.attachments.dir}, default {@code ./data/attachments}). */
@ConfigurationProperties("casebook.attachments")
record AttachmentSettings(Path dir) {
    AttachmentSettings {
        dir = dir == null ? Path.of("data", "attachments") : dir;
    }
}
