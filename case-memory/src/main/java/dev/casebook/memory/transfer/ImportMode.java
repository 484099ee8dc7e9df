package dev.casebook.memory.transfer;

import java.util.Locale;

/**
 * What an import does with cases memory holds already. Duplicates are told by {@link dev.casebook.memory.Case#contentKey
 * content} (task text normalised, plan, answer), within the bank a case goes to.
 */
public enum ImportMode {
    /** Every valid line becomes a case, duplicates included. */
    APPEND,
    /** A line whose content the bank holds already (or an earlier line had) is counted as a duplicate, not stored. */
    SKIP_DUPLICATES,
    /** The bank's cases are deleted first, then the lines are imported as with {@link #SKIP_DUPLICATES}. */
    REPLACE_BANK;

    public static ImportMode parse(String text) {
        String normalised = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mode must be one of append, skip-duplicates, replace-bank, was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
