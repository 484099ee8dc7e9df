package dev.casebook.memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The identity of a task's text, for the leave-one-task-out guard of evaluations: two texts are the same task when
 * they are equal after {@link #normalise normalisation}. The key is the SHA-256 (hex) of the normal form, so it can
 * be indexed whatever the text's length; stores keep it beside every case and {@link CaseFilter} excludes by it.
 *
 * <p>This is the only definition of "identical text"; changing {@link #normalise} changes the key of every stored
 * case (stores would have to recompute theirs) and the evaluation origins derived from it.
 */
public record TaskKey(String hex) {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    public TaskKey {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a task key is 64 lowercase hex digits, was '" + hex + "'");
        }
    }

    /** The key of a task text. */
    public static TaskKey of(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalise(text).getBytes(StandardCharsets.UTF_8));
            return new TaskKey(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Leading and trailing whitespace removed ({@link String#strip()}: Unicode white space), each run of ASCII
     * whitespace ({@code [ \t\n\x0B\f\r]}) made one space, lowercased with {@link Locale#ROOT}.
     */
    public static String normalise(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /** True when both texts are the same task; false when either is null. */
    public static boolean same(String a, String b) {
        return a != null && b != null && normalise(a).equals(normalise(b));
    }
}
