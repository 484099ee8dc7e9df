package dev.casebook.memory.lucene;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads back the instants the store writes as text ({@link Instant#toString()}: {@code 2026-12-07T22:24:27.863Z}, with
 * 0, 3, 6 or 9 fraction digits), every time a case is loaded: a search's hits, look-ups by id. Those of years 0000 to
 * 9999 with up to nine fraction digits are read by hand, about twenty times faster than {@link Instant#parse}, whose
 * general formatter was 2% of the server's sampled CPU in a read-write task (docs/performance.md, third profile);
 * anything else, or anything the hand reading rejects, goes to {@link Instant#parse}, so the result and the
 * exceptions are always those of {@link Instant#parse}.
 */
final class StoredInstant {

    private StoredInstant() {
    }

    static Instant parse(String text) {
        int n = text.length();
        if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z'
                || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int nanos = 0;
        for (int i = 20; i < 29; i++) {
            int digit = i < n - 1 ? digit(text, i) : 0;
            if (digit < 0) {
                return Instant.parse(text);
            }
            nanos = nanos * 10 + digit;
        }
        int year = number(text, 0, 4);
        int month = number(text, 5, 7);
        int day = number(text, 8, 10);
        int hour = number(text, 11, 13);
        int minute = number(text, 14, 16);
        int second = number(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return Instant.parse(text);
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return Instant.parse(text); // 24:00, a leap second, a day the month lacks: its rules, its message
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int number(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = digit(text, i);
            if (digit < 0) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static int digit(String text, int i) {
        char c = text.charAt(i);
        return c >= '0' && c <= '9' ? c - '0' : -1;
    }
}
