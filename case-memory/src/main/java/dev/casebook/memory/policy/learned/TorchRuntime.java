package dev.casebook.memory.policy.learned;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL PyTorch engine, loaded offline: libtorch comes from the {@code pytorch-native-cpu} Maven artifact and the
 * JNI bridge from {@code pytorch-jni}, both on the class path; DJL is put in offline mode before its first use, so
 * a missing native library fails instead of being downloaded. libtorch runs one intra-op and one inter-op thread
 * unless {@code ai.djl.pytorch.num_threads} / {@code ai.djl.pytorch.num_interop_threads} say otherwise. The device
 * (GPU when DJL finds one, else CPU) is logged once.
 */
public final class TorchRuntime {

    /** DJL's engine name. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
    private static volatile Engine engine;

    private TorchRuntime() {
    }

    /** The loaded engine; loads it on first call. */
    public static Engine engine() {
        Engine loaded = engine;
        if (loaded == null) {
            synchronized (TorchRuntime.class) {
                loaded = engine;
                if (loaded == null) {
                    loaded = load();
                    engine = loaded;
                }
            }
        }
        return loaded;
    }

    /** The device models are placed on: the engine's default (a GPU when one is usable, else the CPU). */
    public static Device device() {
        return engine().defaultDevice();
    }

    private static Engine load() {
        defaultProperty("ai.djl.offline", "true");
        defaultProperty("OPT_OUT_TRACKING", "true");
        defaultProperty("PYTORCH_FLAVOR", "cpu");
        // one libtorch thread: the network is small, and on a shared CPU more threads spin against each other
        // (measured ten times slower per training step on 2 busy cores); override with the same properties
        defaultProperty("ai.djl.pytorch.num_threads", "1");
        defaultProperty("ai.djl.pytorch.num_interop_threads", "1");
        try {
            Engine loaded = Engine.getEngine(ENGINE);
            LOG.info("DJL {} engine {} on device {} (offline={})", ENGINE, loaded.getVersion(),
                    loaded.defaultDevice(), System.getProperty("ai.djl.offline"));
            return loaded;
        } catch (EngineException | IllegalArgumentException e) {
            throw new PolicyUnavailableException("the DJL PyTorch engine could not be loaded offline from the "
                    + "pytorch-native-cpu and pytorch-jni artifacts on the class path: " + e.getMessage(), e);
        }
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
