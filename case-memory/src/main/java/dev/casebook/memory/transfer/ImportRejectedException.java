package dev.casebook.memory.transfer;

import java.util.List;

/** An import with {@link OnError#REJECT} found malformed lines (or none could be read) and stored nothing. */
public class ImportRejectedException extends RuntimeException {
    private final List<LineError> errors;

    public ImportRejectedException(List<LineError> errors) {
        super(message(errors));
        this.errors = List.copyOf(errors);
    }

    public List<LineError> errors() {
        return errors;
    }

    private static String message(List<LineError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a rejected import names at least one line");
        }
        String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more malformed lines)" : "";
        return "import rejected, nothing stored: " + errors.getFirst() + more;
    }
}
