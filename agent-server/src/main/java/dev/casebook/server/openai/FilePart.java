package dev.casebook.server.openai;

import java.util.Objects;

/** A file a chat message carries, which becomes an attachment of the task. */
sealed interface FilePart {

    /** Where in the request it was, e.g. {@code messages[2].content[1]}. */
    String param();

    /**
     * A file sent in the request ({@code file.file_data}, or an {@code image_url} that is a {@code data:} URL).
     *
     * @param image whether it came as an image (only tools that run code can read those)
     */
    record Inline(String param, String name, String mimeType, byte[] bytes, boolean image) implements FilePart {
        public Inline {
            Objects.requireNonNull(param, "param");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mimeType, "mimeType");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /** A file uploaded before ({@code POST /api/attachments}), named by its id as {@code file.file_id}. */
    record Uploaded(String param, String attachmentId) implements FilePart {
        public Uploaded {
            Objects.requireNonNull(param, "param");
            Objects.requireNonNull(attachmentId, "attachmentId");
        }
    }
}
