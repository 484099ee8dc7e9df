package dev.casebook.memory;

import java.util.Locale;

/** Where a piece of {@link Evidence} came from: a case's own sources, or an import. */
public enum EvidenceSource {
    REAL,
    SYNTHETIC,
    SANDBOX,
    IMPORT;

    public static EvidenceSource of(CaseSource source) {
        return valueOf(source.name());
    }

    public static EvidenceSource parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "evidence source must be one of real, synthetic, sandbox, import, was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
