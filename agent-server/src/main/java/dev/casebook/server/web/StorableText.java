package dev.casebook.server.web;

import java.util.Locale;
import java.util.Optional;

/**
 * Text a client sends must be storable as it is: PostgreSQL refuses U+0000 in text, and an unpaired UTF-16 surrogate
 * has no UTF-8 form (it would be stored as {@code ?}). Both are refused at the API's edge with a 400 problem.
 */
final class StorableText {
    private StorableText() {
    }

    /** What makes {@code text} unstorable, e.g. {@code "U+0000 (NUL) at character 4"}; empty when nothing does. */
    public static Optional<String> flaw(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return Optional.of("U+0000 (NUL) at character " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(unpaired(c, i));
            }
        }
        return Optional.empty();
    }

    /**
     * As {@link #flaw}, for JSON text read as a string: also finds the escapes {@code \u0000} and unpaired surrogate
     * escapes such as {@code \ud800}, which only become characters when the JSON is parsed.
     */
    public static Optional<String> flawInJson(CharSequence json) {
        Optional<String> raw = flaw(json);
        if (raw.isPresent()) {
            return raw;
        }
        for (int i = 0; i < json.length(); i++) {
            if (json.charAt(i) != '\\' || i + 1 >= json.length()) {
                continue;
            }
            int unit = escapedUnit(json, i);
            if (unit < 0) {
                i++; // another escape, such as \\ or \"
                continue;
            }
            if (unit == 0) {
                return Optional.of("U+0000 (NUL, escaped as \\u0000) at character " + i);
            }
            if (Character.isHighSurrogate((char) unit) && Character.isLowSurrogate((char) escapedUnit(json, i + 6))) {
                i += 11;
            } else if (Character.isSurrogate((char) unit)) {
                return Optional.of(unpaired((char) unit, i) + " (escaped)");
            } else {
                i += 5;
            }
        }
        return Optional.empty();
    }

    /** The code unit of the {@code \\uXXXX} escape at {@code at}, or -1 when there is none there. */
    private static int escapedUnit(CharSequence json, int at) {
        if (at + 5 >= json.length() || json.charAt(at) != '\\' || json.charAt(at + 1) != 'u') {
            return -1;
        }
        int unit = 0;
        for (int k = at + 2; k < at + 6; k++) {
            int digit = Character.digit(json.charAt(k), 16);
            if (digit < 0) {
                return -1;
            }
            unit = unit * 16 + digit;
        }
        return unit;
    }

    private static String unpaired(char c, int at) {
        return "an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                + " at character " + at;
    }
}
