package dev.casebook.server.memory;

import dev.casebook.memory.embedding.Embedder;
import java.util.List;

/**
 * An embedder that passes every call to a real one: tests extend it to count or hold calls and override only the
 * calls they watch, so the vectors stay the real model's.
 */
public abstract class ForwardingEmbedder implements Embedder {
    private final Embedder real;

    protected ForwardingEmbedder(Embedder real) {
        this.real = real;
    }

    @Override
    public String modelId() {
        return real.modelId();
    }

    @Override
    public int dimension() {
        return real.dimension();
    }

    @Override
    public float[] embed(String text) {
        return real.embed(text);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return real.embedAll(texts);
    }
}
