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
}
