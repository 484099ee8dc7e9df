package dev.casebook.memory.embedding;

import dev.casebook.inference.DeviceUnavailableException;
import dev.casebook.inference.InferenceException;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.embedding.SentenceEncoder;
import java.util.List;
import java.util.Objects;

/**
 * The in-process embedding model: all-MiniLM-L6-v2 (quantized, 384 dimensions) shipped inside a Maven artifact,
 * run on DJL by a {@link SentenceEncoder} on the device the {@link InferenceRuntime} gives it. Its callers share one
 * batching queue, so texts embedded at the same time by concurrent tasks run in the same batches.
 *
 * <p>Blank texts are rejected with an {@link IllegalArgumentException} naming their position; failures of the
 * model, and a queue that does not serve a call within its bounded wait, surface as {@link EmbeddingException}.
 */
public final class InProcessEmbedder implements Embedder, AutoCloseable {

    /** The model id, the same as that of the LangChain4j runner it replaces: stores written before stay valid. */
    public static final String MODEL_ID = SentenceEncoder.MODEL;

    private static volatile InProcessEmbedder shared;

    private final SentenceEncoder encoder;

    private InProcessEmbedder(SentenceEncoder encoder) {
        this.encoder = encoder;
    }

    /**
     * Loads the model on the device {@code runtime} gives embeddings.
     *
     * @throws DeviceUnavailableException when the device setting names a missing GPU
     * @throws EmbeddingException         when the model does not load
     */
    public static InProcessEmbedder open(InferenceRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        try {
            return new InProcessEmbedder(SentenceEncoder.open(runtime));
        } catch (DeviceUnavailableException e) {
            throw e;
        } catch (InferenceException e) {
            throw new EmbeddingException(e.getMessage(), e.retryable(), e);
        }
    }

    /**
     * One embedder per process on {@link InferenceRuntime#shared()}, loaded on first use and never closed: for code
     * that runs without a server's configuration (tests, benchmarks).
     */
    public static InProcessEmbedder shared() {
        InProcessEmbedder current = shared;
        if (current == null) {
            synchronized (InProcessEmbedder.class) {
                if (shared == null) {
                    shared = open(InferenceRuntime.shared());
                }
                current = shared;
            }
        }
        return current;
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(Embedder.requireText(text, 0))).getFirst();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        for (int i = 0; i < texts.size(); i++) {
            Embedder.requireText(texts.get(i), i);
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        try {
            return encoder.encode(texts);
        } catch (InferenceException e) {
            throw new EmbeddingException("model " + MODEL_ID + " failed to embed " + texts.size() + " texts: "
                    + e.getMessage(), e.retryable(), e);
        }
    }

    /** Stops the batching queue and frees the model. */
    @Override
    public void close() {
        encoder.close();
    }
}
