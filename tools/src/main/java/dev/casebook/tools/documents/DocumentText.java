package dev.casebook.tools.documents;

import java.util.Objects;

/**
 * The text read from a document.
 *
 * @param mediaType   the detected type, e.g. {@code application/pdf}
 * @param description what was read, e.g. {@code pages 1-2 of 5} or {@code sheet "Q1" (12 rows)}
 * @param text        the text
 */
public record DocumentText(String mediaType, String description, String text) {
    public DocumentText {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(text, "text");
    }
}
