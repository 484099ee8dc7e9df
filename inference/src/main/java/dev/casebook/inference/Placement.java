package dev.casebook.inference;

import java.util.Objects;

/**
 * Where one of the server's models runs.
 *
 * @param role          what the model is for ({@code embeddings}, {@code policy})
 * @param model         the model's name
 * @param engine        DJL's engine name
 * @param engineVersion the engine's (native library's) version
 * @param device        the device, as DJL names it ({@code cpu()}, {@code gpu(0)})
 */
public record Placement(String role, String model, String engine, String engineVersion, String device) {
    public Placement {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(engineVersion, "engineVersion");
        Objects.requireNonNull(device, "device");
    }

    /** {@code embeddings all-minilm-l6-v2-q on OnnxRuntime 1.21.1 cpu()}. */
    @Override
    public String toString() {
        return role + " " + model + " on " + engine + " " + engineVersion + " " + device;
    }
}
