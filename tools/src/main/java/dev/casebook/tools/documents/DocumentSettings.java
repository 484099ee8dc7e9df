package dev.casebook.tools.documents;

/**
 * Limits of document reading.
 *
 * @param maxFileBytes the largest file read at all
 * @param maxChars     the most characters returned in one call; the model pages on with {@code offset}
 * @param maxRows      the most rows read from one sheet or CSV file
 */
public record DocumentSettings(long maxFileBytes, int maxChars, int maxRows) {
    public DocumentSettings {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1024, was " + maxFileBytes);
        }
        if (maxChars < 100) {
            throw new IllegalArgumentException("maxChars must be at least 100, was " + maxChars);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be positive, was " + maxRows);
        }
    }

    public static DocumentSettings defaults() {
        return new DocumentSettings(50L * 1024 * 1024, 30_000, 5_000);
    }
}
