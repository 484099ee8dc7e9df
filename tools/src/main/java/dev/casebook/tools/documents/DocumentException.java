package dev.casebook.tools.documents;

/** A document cannot be read as asked (unsupported type, damaged file, page out of range, too large). */
public class DocumentException extends Exception {
    public DocumentException(String message) {
        super(message);
    }

    public DocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
