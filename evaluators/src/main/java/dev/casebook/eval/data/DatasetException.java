package dev.casebook.eval.data;

import java.nio.file.Path;

/**
 * A dataset could not be read: the file is missing or unreadable, its format unknown, or a row is malformed. For a
 * malformed row {@link #row()} is its 1-based number (the line of a JSONL file, the record after the header of a CSV
 * file, the row of a parquet file), otherwise 0. Retrying does not help; the file must be fixed.
 */
public class DatasetException extends RuntimeException {
    private final Path path;
    private final long row;

    public DatasetException(Path path, long row, String reason) {
        this(path, row, reason, null);
    }

    public DatasetException(Path path, long row, String reason, Throwable cause) {
        super(path + (row > 0 ? ", row " + row : "") + ": " + reason, cause);
        this.path = path;
        this.row = row;
    }

    public Path path() {
        return path;
    }

    public long row() {
        return row;
    }
}
