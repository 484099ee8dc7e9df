package dev.casebook.eval.score;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Parses text the way Python 3's {@code float(str)} does, which the official GAIA scorer relies on. It differs from
 * {@link Double#parseDouble}: Unicode decimal digits count as digits, Unicode whitespace around the number is
 * ignored, single underscores between digits are allowed, {@code inf}, {@code infinity} and {@code nan} are accepted
 * in any case with a sign, and Java's extras ({@code 1d}, {@code 1f}, hexadecimal, {@code NaN} only) are refused.
 */
public final class PythonFloat {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern INFINITY = Pattern.compile("[+-]?(?:inf|infinity)", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAN = Pattern.compile("[+-]?nan", Pattern.CASE_INSENSITIVE);

    private PythonFloat() {
    }

    /** The value, or empty where Python's {@code float()} raises {@code ValueError}. */
    public static OptionalDouble parse(String text) {
        String ascii = toAscii(text);
        if (ascii == null) {
            return OptionalDouble.empty();
        }
        if (ascii.indexOf('_') >= 0) {
            ascii = removeUnderscoresBetweenDigits(ascii);
            if (ascii == null) {
                return OptionalDouble.empty();
            }
        }
        String number = stripAsciiSpace(ascii);
        if (DECIMAL.matcher(number).matches()) {
            return OptionalDouble.of(Double.parseDouble(number));
        }
        if (INFINITY.matcher(number).matches()) {
            return OptionalDouble.of(number.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (NAN.matcher(number).matches()) {
            return OptionalDouble.of(Double.NaN);
        }
        return OptionalDouble.empty();
    }

    /** Whether Python's {@code str.isspace()} (and so the regex class {@code \s}) holds for the code point. */
    public static boolean isSpace(int codePoint) {
        return switch (codePoint) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                 0x202F, 0x205F, 0x3000 -> true;
            default -> codePoint >= 0x2000 && codePoint <= 0x200A;
        };
    }

    /**
     * CPython's first step: ASCII stays, other whitespace becomes a space, other decimal digits become ASCII
     * digits; anything else makes the text unparseable (null).
     */
    private static String toAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 127) {
                out.append((char) cp);
            } else if (isSpace(cp)) {
                out.append(' ');
            } else if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                out.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                return null;
            }
        }
        return out.toString();
    }

    /** An underscore must sit between two ASCII digits; it is then dropped. Null when one does not. */
    private static String removeUnderscoresBetweenDigits(String text) {
        StringBuilder out = new StringBuilder(text.length());
        char prev = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                if (!isDigit(prev)) {
                    return null;
                }
            } else {
                if (prev == '_' && !isDigit(c)) {
                    return null;
                }
                out.append(c);
            }
            prev = c;
        }
        return prev == '_' ? null : out.toString();
    }

    private static String stripAsciiSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isAsciiSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
