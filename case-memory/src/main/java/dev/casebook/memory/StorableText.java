package dev.casebook.memory;

/**
 * The rule for text headed for storage: U+0000 and unpaired UTF-16 surrogates, which a model's reply or a dataset may
 * carry but PostgreSQL cannot store (it rejects U+0000 in text; a lone surrogate has no UTF-8 form and the JDBC
 * driver would store {@code ?}; Lucene would store U+FFFD), become U+FFFD, the Unicode replacement character. Every
 * other character, valid surrogate pairs included, is kept.
 *
 * <p>{@link Case} and {@link Evidence} apply it to their texts, so a case reads the same from every store, before and
 * after a restart or a searcher refresh; the server's data source applies it to every text a statement binds.
 */
public final class StorableText {
    /** What an unstorable character is stored as. */
    public static final char REPLACEMENT = '\uFFFD';

    private StorableText() {
    }

    /** {@code text} with each U+0000 and unpaired surrogate replaced; the same instance when it has none. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            if (pairAt(text, i)) {
                if (out != null) {
                    out.append(text, i, i + 2);
                }
                i++;
                continue;
            }
            char c = text.charAt(i);
            boolean unstorable = c == '\0' || Character.isSurrogate(c);
            if (unstorable && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(unstorable ? REPLACEMENT : c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean pairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
