package dev.casebook.server.inference;

import dev.casebook.inference.DeviceChoice;
import dev.casebook.inference.InferenceSettings;
import dev.casebook.inference.MicroBatcher;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The server's own models (embeddings, the Q-network), bound from {@code casebook.inference.*}.
 *
 * @param device           {@code auto} (default: a GPU when the engine finds a usable one), {@code cpu},
 *                         {@code gpu} or {@code gpu:N}
 * @param embeddingThreads ONNX Runtime's intra-op threads per forward pass of the embedding model (default 1); 0 for
 *                         one per core
 * @param policyThreads    libtorch's threads for the Q-network (default 1)
 * @param batch            the embedding model's batching queue, shared by all callers
 */
@ConfigurationProperties("casebook.inference")
record InferenceProperties(String device, Integer embeddingThreads, Integer policyThreads, Batch batch) {

    /**
     * @param window  how long a worker waits for more sequences after the first (default 0: run what is queued)
     * @param maxSize most token sequences a worker takes at a time (default 8)
     * @param maxWait longest a caller waits for its vectors before an error (default 60s)
     * @param workers forward passes running at once (default: one per core, at most 4)
     */
    public record Batch(Duration window, Integer maxSize, Duration maxWait, Integer workers) {
    }

    public InferenceProperties {
        device = device == null || device.isBlank() ? "auto" : device.strip();
        embeddingThreads = embeddingThreads == null ? InferenceSettings.DEFAULTS.embeddingThreads() : embeddingThreads;
        policyThreads = policyThreads == null ? InferenceSettings.DEFAULTS.policyThreads() : policyThreads;
        batch = batch == null ? new Batch(null, null, null, null) : batch;
        settings(device, embeddingThreads, policyThreads, batch);
    }

    /** The runtime's settings. */
    public InferenceSettings settings() {
        return settings(device, embeddingThreads, policyThreads, batch);
    }

    private static InferenceSettings settings(String device, int embeddingThreads, int policyThreads, Batch batch) {
        MicroBatcher.Settings defaults = MicroBatcher.Settings.DEFAULT;
        try {
            return new InferenceSettings(DeviceChoice.parse(device), embeddingThreads, policyThreads,
                    new MicroBatcher.Settings(orElse(batch.window(), defaults.window()),
                            orElse(batch.maxSize(), defaults.maxBatch()), orElse(batch.maxWait(), defaults.maxWait()),
                            orElse(batch.workers(), defaults.workers())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("casebook.inference: " + e.getMessage(), e);
        }
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
