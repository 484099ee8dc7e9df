package dev.casebook.memory.embedding;

import java.util.List;

/**
 * Turns text into unit-length vectors. Implementations are thread-safe.
 */
public interface Embedder {

    /** A stable name of the model, recorded with a store and with policy checkpoints. */
    String modelId();

    int dimension();

    float[] embed(String text);

    /** Embeds in batches; the result has one vector per input, in order. */
    List<float[]> embedAll(List<String> texts);

    /**
     * {@code text}, when it can be embedded.
     *
     * @throws IllegalArgumentException for a null or blank text, naming its position {@code index}
     */
    static String requireText(String text, int index) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("text at index " + index + " is " + (text == null ? "null" : "blank")
                    + "; only non-blank texts can be embedded");
        }
        return text;
    }
}
