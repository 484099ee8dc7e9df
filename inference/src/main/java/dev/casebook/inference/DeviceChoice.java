package dev.casebook.inference;

import java.util.Locale;

/**
 * The device setting ({@code casebook.inference.device}): {@code auto} (a GPU when the engine finds a usable one,
 * else the CPU), {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. {@link #toString()} gives the setting's
 * text back.
 */
public sealed interface DeviceChoice {

    /** A GPU when the engine has a usable one, else the CPU. */
    record Auto() implements DeviceChoice {
        @Override
        public String toString() {
            return "auto";
        }
    }

    /** The CPU, also where a GPU is present. */
    record Cpu() implements DeviceChoice {
        @Override
        public String toString() {
            return "cpu";
        }
    }

    /** GPU number {@code index}; an engine that does not find it refuses to place a model. */
    record Gpu(int index) implements DeviceChoice {
        public Gpu {
            if (index < 0) {
                throw new IllegalArgumentException("a GPU index is 0 or more, was " + index);
            }
        }

        @Override
        public String toString() {
            return "gpu:" + index;
        }
    }

    DeviceChoice AUTO = new Auto();
    DeviceChoice CPU = new Cpu();

    /**
     * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static DeviceChoice parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
                return new Gpu(0);
            default:
                break;
        }
        if (value.startsWith("gpu:")) {
            try {
                int index = Integer.parseInt(value.substring(4));
                if (index >= 0) {
                    return new Gpu(index);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("device '" + text + "' is not one of auto, cpu, gpu, gpu:N (N = 0, 1, ...)");
    }
}
