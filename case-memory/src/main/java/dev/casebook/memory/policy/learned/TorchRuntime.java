package dev.casebook.memory.policy.learned;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.casebook.inference.EngineUnavailableException;
import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceRuntime;

/**
 * The Q-network's door to the process's {@link InferenceRuntime}: DJL's PyTorch engine loaded offline (libtorch from
 * the {@code pytorch-native-cpu} artifact, or a local CUDA build, docs/inference.md) and the device the runtime's
 * setting gives the policy network, recorded as its placement. libtorch runs the runtime's policy threads (one
 * unless configured).
 */
public final class TorchRuntime {

    /** DJL's engine name. */
    public static final String ENGINE = InferenceEngine.PYTORCH.djlName();
    /** The Q-network's name in the runtime's placements. */
    static final String MODEL = "casebook-q";

    private TorchRuntime() {
    }

    /**
     * The loaded engine; loads it on first call.
     *
     * @throws PolicyUnavailableException when libtorch does not load offline
     */
    public static Engine engine() {
        try {
            return InferenceRuntime.shared().engine(InferenceEngine.PYTORCH);
        } catch (EngineUnavailableException e) {
            throw new PolicyUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * The device the process's runtime places the policy network on.
     *
     * @throws PolicyUnavailableException when libtorch does not load offline
     * @throws dev.casebook.inference.DeviceUnavailableException when the device setting names a GPU libtorch does
     *                                                           not find (a configuration error, not a fallback)
     */
    public static Device device() {
        try {
            return InferenceRuntime.shared().place("policy", MODEL, InferenceEngine.PYTORCH);
        } catch (EngineUnavailableException e) {
            throw new PolicyUnavailableException(e.getMessage(), e);
        }
    }
}
