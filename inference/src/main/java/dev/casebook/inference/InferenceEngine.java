package dev.casebook.inference;

import ai.djl.engine.Engine;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL engines the server's models run on, loaded offline: their native libraries come from Maven artifacts on
 * the class path ({@code onnxruntime-platform}; {@code pytorch-native-cpu} and {@code pytorch-jni}) or from a
 * local install named by DJL's own settings ({@code PYTORCH_LIBRARY_PATH}, docs/inference.md); DJL is put in
 * offline mode before the first engine loads, so a missing native library fails instead of being downloaded.
 * Engines are process-wide (DJL keeps one of each), and so is what this class learns about them.
 */
public enum InferenceEngine {
    /** ONNX Runtime: the sentence encoder. */
    ONNX_RUNTIME("OnnxRuntime", "this ONNX Runtime build has no CUDA execution provider (docs/inference.md: the GPU "
            + "build of ONNX Runtime)"),
    /** libtorch: the Q-network of the learned policy. */
    PYTORCH("PyTorch", "libtorch flavor %s has no CUDA (docs/inference.md: a CUDA libtorch through "
            + "PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR)");

    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);
    private static final Map<InferenceEngine, Loaded> LOADED = new EnumMap<>(InferenceEngine.class);

    private record Loaded(Engine engine, int gpus) {
    }

    private final String djlName;
    private final String noGpuHint;

    InferenceEngine(String djlName, String noGpuHint) {
        this.djlName = djlName;
        this.noGpuHint = noGpuHint;
    }

    /** DJL's name of the engine. */
    public String djlName() {
        return djlName;
    }

    /**
     * The engine, loaded on first use with {@code policyThreads} libtorch threads.
     *
     * @throws EngineUnavailableException when it does not load offline
     */
    Engine engine(int policyThreads) {
        return load(policyThreads).engine();
    }

    /** GPUs the engine can use: 0 for a CPU build. */
    int gpuCount(int policyThreads) {
        return load(policyThreads).gpus();
    }

    /** Why the engine has no GPU (or fewer than asked for): what it found and how to get one. */
    String noGpuHint() {
        return this == PYTORCH ? noGpuHint.formatted(property("PYTORCH_FLAVOR", "cpu")) : noGpuHint;
    }

    private Loaded load(int policyThreads) {
        synchronized (LOADED) {
            Loaded loaded = LOADED.get(this);
            if (loaded == null) {
                loaded = start(policyThreads);
                LOADED.put(this, loaded);
            }
            return loaded;
        }
    }

    private Loaded start(int policyThreads) {
        defaultProperty("ai.djl.offline", "true");
        defaultProperty("OPT_OUT_TRACKING", "true");
        // ONNX Runtime would otherwise load libtorch as its helper engine, also on a server without the learned policy
        defaultProperty("ai.djl.onnx.disable_alternative", "true");
        if (this == PYTORCH) {
            defaultProperty("PYTORCH_FLAVOR", "cpu");
            // one libtorch thread by default: the network is small, and on a shared CPU more threads spin against
            // each other (measured ten times slower per training step on 2 busy cores)
            defaultProperty("ai.djl.pytorch.num_threads", Integer.toString(policyThreads));
            defaultProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(policyThreads));
        }
        Engine engine;
        try {
            engine = Engine.getEngine(djlName);
        } catch (RuntimeException | LinkageError e) {
            throw new EngineUnavailableException("the DJL " + djlName + " engine could not be loaded offline from "
                    + "the native libraries on the class path: " + e, e);
        }
        int gpus = countGpus(engine);
        LOG.debug("DJL {} engine {} loaded (offline={}, GPUs: {})", djlName, engine.getVersion(),
                System.getProperty("ai.djl.offline"), gpus);
        return new Loaded(engine, gpus);
    }

    private int countGpus(Engine engine) {
        try {
            if (this == ONNX_RUNTIME && !engine.hasCapability("CUDA")) {
                return 0;
            }
            return Math.max(0, engine.getGpuCount());
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("{} could not count GPUs: {}", djlName, e.toString());
            return 0;
        }
    }

    private static String property(String key, String fallback) {
        String value = System.getProperty(key, System.getenv(key));
        return value == null ? fallback : value;
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
