package dev.casebook.server.memory;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The case memory's embedder, looked up when first used (so nothing loads a model at start-up for a feature nobody
 * calls), or the in-process model of its own when this server keeps no case memory.
 */
public final class FirstUseEmbedder {
    private final ObjectProvider<Embedder> embedders;
    private volatile Embedder embedder;

    public FirstUseEmbedder(ObjectProvider<Embedder> embedders) {
        this.embedders = embedders;
    }

    public Embedder get() {
        Embedder current = embedder;
        if (current == null) {
            synchronized (this) {
                if (embedder == null) {
                    embedder = embedders.getIfAvailable(InProcessEmbedder::shared);
                }
                current = embedder;
            }
        }
        return current;
    }
}
