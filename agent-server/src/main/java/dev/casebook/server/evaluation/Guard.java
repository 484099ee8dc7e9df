package dev.casebook.server.evaluation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The leave-one-task-out guard. A case written from an evaluation question gets the origin
 * {@code eval:<hash of the normalised question>}; with the guard on, that origin is excluded from the question's own
 * case selection. Identical text (after trimming, collapsing whitespace and lowercasing) gives the same origin, so
 * the guard holds across epochs, attempts, runs and datasets that share the question (the same dataset id has the
 * same text).
 */
final class Guard {
    private Guard() {
    }

    static String origin(String question) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalise(question).getBytes(StandardCharsets.UTF_8));
            return "eval:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static boolean sameText(String a, String b) {
        return a != null && b != null && normalise(a).equals(normalise(b));
    }

    private static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
