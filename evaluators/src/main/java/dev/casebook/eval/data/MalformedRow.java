package dev.casebook.eval.data;

/** Thrown by a row mapper; the reader adds the file and row number. */
final class MalformedRow extends RuntimeException {
    MalformedRow(String reason) {
        super(reason, null, false, false);
    }
}
