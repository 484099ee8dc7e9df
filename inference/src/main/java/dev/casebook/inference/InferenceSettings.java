package dev.casebook.inference;

import java.util.Objects;

/**
 * How the server's models run.
 *
 * @param device           where models are placed
 * @param embeddingThreads ONNX Runtime's intra-op threads for each forward pass of the sentence encoder; 0 for
 *                         ONNX Runtime's default (one per core). One by default: the batching queue's workers run
 *                         sequences side by side instead, which on a busy machine is about twice as fast as
 *                         threads spinning inside each pass (measured on 2 cores under load)
 * @param policyThreads    libtorch's intra-op and inter-op threads (process-wide: the first runtime that loads
 *                         PyTorch sets them, unless {@code ai.djl.pytorch.num_threads} is set)
 * @param batching         the sentence encoder's batching queue
 */
public record InferenceSettings(DeviceChoice device, int embeddingThreads, int policyThreads,
        MicroBatcher.Settings batching) {

    /** Device {@code auto}, one ONNX Runtime and one libtorch thread, {@link MicroBatcher.Settings#DEFAULT}. */
    public static final InferenceSettings DEFAULTS = new InferenceSettings(DeviceChoice.AUTO, 1, 1,
            MicroBatcher.Settings.DEFAULT);

    public InferenceSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(batching, "batching");
        if (embeddingThreads < 0 || embeddingThreads > 256) {
            throw new IllegalArgumentException("embeddingThreads must be within [0, 256], was " + embeddingThreads);
        }
        if (policyThreads < 1 || policyThreads > 256) {
            throw new IllegalArgumentException("policyThreads must be within [1, 256], was " + policyThreads);
        }
    }

    public InferenceSettings withDevice(DeviceChoice device) {
        return new InferenceSettings(device, embeddingThreads, policyThreads, batching);
    }

    public InferenceSettings withBatching(MicroBatcher.Settings batching) {
        return new InferenceSettings(device, embeddingThreads, policyThreads, batching);
    }
}
