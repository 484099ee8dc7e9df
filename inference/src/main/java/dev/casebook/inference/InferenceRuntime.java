package dev.casebook.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Places the server's models on devices according to {@link InferenceSettings}: loads the engine a model needs
 * ({@link InferenceEngine}), resolves the device setting against the devices that engine finds, and remembers
 * where each model went ({@link #placements()}, for the start-up log line and {@code /api/status}).
 *
 * <p>DJL's engines, and libtorch's thread settings, are process-wide, so a server has one runtime, made
 * {@linkplain #share shared} at start-up; the Q-network reaches it through {@link #shared()}. Further runtimes
 * (benchmarks measuring each device) place their own models on other devices of the same engines.
 */
public final class InferenceRuntime {

    private static volatile InferenceRuntime shared;

    private final InferenceSettings settings;
    private final Map<String, Placement> placements = new LinkedHashMap<>();

    private InferenceRuntime(InferenceSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public static InferenceRuntime open(InferenceSettings settings) {
        return new InferenceRuntime(settings);
    }

    /** The process's runtime: the one last {@linkplain #share shared}, else one with {@link InferenceSettings#DEFAULTS}. */
    public static InferenceRuntime shared() {
        InferenceRuntime runtime = shared;
        if (runtime == null) {
            synchronized (InferenceRuntime.class) {
                if (shared == null) {
                    shared = open(InferenceSettings.DEFAULTS);
                }
                runtime = shared;
            }
        }
        return runtime;
    }

    /** Makes {@code runtime} the process's runtime: models placed from now on through {@link #shared()} use it. */
    public static void share(InferenceRuntime runtime) {
        synchronized (InferenceRuntime.class) {
            shared = Objects.requireNonNull(runtime, "runtime");
        }
    }

    public InferenceSettings settings() {
        return settings;
    }

    /**
     * The loaded engine.
     *
     * @throws EngineUnavailableException when it does not load offline
     */
    public Engine engine(InferenceEngine engine) {
        return engine.engine(settings.policyThreads());
    }

    /** The devices {@code engine} can run models on: the CPU, then its GPUs. */
    public List<Device> devices(InferenceEngine engine) {
        List<Device> devices = new ArrayList<>();
        devices.add(Device.cpu());
        for (int i = 0; i < engine.gpuCount(settings.policyThreads()); i++) {
            devices.add(Device.gpu(i));
        }
        return devices;
    }

    /**
     * The device the setting gives a model on {@code engine}: with {@code auto} the first GPU the engine finds,
     * else the CPU.
     *
     * @throws DeviceUnavailableException when the setting names a GPU the engine does not find
     * @throws EngineUnavailableException when the engine does not load offline
     */
    public Device device(InferenceEngine engine) {
        List<Device> found = devices(engine);
        return switch (settings.device()) {
            case DeviceChoice.Auto auto -> found.size() > 1 ? found.get(1) : Device.cpu();
            case DeviceChoice.Cpu cpu -> Device.cpu();
            case DeviceChoice.Gpu gpu -> found.stream().filter(d -> d.isGpu() && d.getDeviceId() == gpu.index())
                    .findFirst().orElseThrow(() -> noSuchDevice(engine, gpu, found));
        };
    }

    private DeviceUnavailableException noSuchDevice(InferenceEngine engine, DeviceChoice.Gpu gpu, List<Device> found) {
        String names = found.stream().map(Device::toString).collect(Collectors.joining(", "));
        String why = found.size() > 1 ? "it has " + (found.size() - 1) + " GPU(s)" : engine.noGpuHint();
        return new DeviceUnavailableException("the inference device is " + gpu + " (casebook.inference.device), but the "
                + engine.djlName() + " engine " + engine(engine).getVersion() + " found only " + names + ": " + why);
    }

    /**
     * Resolves the device for a model and remembers the placement under its role (a later placement of the same
     * role replaces it).
     *
     * @param role  what the model is for ({@code embeddings}, {@code policy})
     * @param model the model's name
     */
    public Device place(String role, String model, InferenceEngine engine) {
        Device device = device(engine);
        Placement placement = new Placement(role, model, engine.djlName(), engine(engine).getVersion(),
                device.toString());
        synchronized (placements) {
            placements.put(role, placement);
        }
        return device;
    }

    /** The models placed so far, in the order their roles were first placed. */
    public List<Placement> placements() {
        synchronized (placements) {
            return List.copyOf(placements.values());
        }
    }

    /**
     * One line saying where each model runs: {@code inference device auto: embeddings all-minilm-l6-v2-q on
     * OnnxRuntime 1.21.1 cpu(); policy ...}.
     */
    public String summary() {
        List<Placement> placed = placements();
        return "inference device " + settings.device() + ": " + (placed.isEmpty() ? "no models loaded"
                : placed.stream().map(Placement::toString).collect(Collectors.joining("; ")));
    }
}
