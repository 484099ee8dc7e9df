package dev.casebook.memory.transfer;

import java.util.Locale;

/** What an import does with malformed lines: skip them and report them, or store nothing at all. */
public enum OnError {
    SKIP,
    REJECT;

    public static OnError parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("onError must be 'skip' or 'reject', was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
