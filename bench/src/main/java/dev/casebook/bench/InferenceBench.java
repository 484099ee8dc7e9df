package dev.casebook.bench;

import ai.djl.Device;
import dev.casebook.inference.DeviceChoice;
import dev.casebook.inference.InferenceEngine;
import dev.casebook.inference.InferenceException;
import dev.casebook.inference.InferenceRuntime;
import dev.casebook.inference.InferenceSettings;
import dev.casebook.inference.embedding.SentenceEncoder;
import dev.casebook.memory.policy.learned.PairFeatures;
import dev.casebook.memory.policy.learned.QNetwork;
import java.util.List;
import java.util.Random;

/**
 * {@code ./casebook doctor} or {@code ./casebook bench inference [--texts=256] [--batches=1,16,64]}: the DJL engines
 * this build loads (version, the devices each finds), and on every device found, embeddings per second of the
 * in-process sentence encoder and Q-network (policy) pairs scored per second at each batch size, with the ratio to
 * the first batch size. A machine with a GPU shows it here, beside the CPU.
 */
final class InferenceBench implements Bench.Benchmark {

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        List<String> texts = BenchData.deepResearcherQuestions(args.integer("texts", 256));
        List<Integer> batches = args.integers("batches", List.of(1, 16, 64));
        InferenceRuntime probe = InferenceRuntime.open(InferenceSettings.DEFAULTS);
        System.out.printf("inference: %d cores, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                EmbeddingThroughputBench.load());
        List<Device> encoderDevices = devices(probe, InferenceEngine.ONNX_RUNTIME);
        List<Device> policyDevices = devices(probe, InferenceEngine.PYTORCH);
        System.out.printf("%n%-10s %-8s %-7s %8s %14s %8s%n", "model", "engine", "device", "batch", "per second",
                "ratio");
        for (Device device : encoderDevices) {
            embeddings(device, texts, batches);
        }
        for (Device device : policyDevices) {
            scoring(device, batches);
        }
    }

    private static List<Device> devices(InferenceRuntime probe, InferenceEngine engine) {
        try {
            List<Device> devices = probe.devices(engine);
            System.out.printf("engine %-12s %-8s devices %s%n", engine.djlName(), probe.engine(engine).getVersion(),
                    devices);
            return devices;
        } catch (InferenceException e) {
            System.out.printf("engine %-12s not loaded: %s%n", engine.djlName(), e.getMessage());
            return List.of();
        }
    }

    private static void embeddings(Device device, List<String> texts, List<Integer> batches) {
        InferenceRuntime runtime = InferenceRuntime.open(InferenceSettings.DEFAULTS.withDevice(choice(device)));
        try (SentenceEncoder encoder = SentenceEncoder.open(runtime)) {
            encoder.encode(texts.subList(0, Math.min(64, texts.size())));
            double baseline = 0;
            for (int batch : batches) {
                long start = System.nanoTime();
                for (int from = 0; from < texts.size(); from += batch) {
                    encoder.encode(texts.subList(from, Math.min(texts.size(), from + batch)));
                }
                double perSecond = texts.size() / ((System.nanoTime() - start) / 1e9);
                baseline = baseline == 0 ? perSecond : baseline;
                row("embeddings", "ONNX RT", device, batch, perSecond, perSecond / baseline);
            }
        } catch (InferenceException e) {
            System.out.printf("embeddings on %s: %s%n", device, e.getMessage());
        }
    }

    private static void scoring(Device device, List<Integer> batches) {
        QNetwork.Settings shape = QNetwork.Settings.defaults(384);
        Random random = new Random(1);
        try (QNetwork network = QNetwork.create(shape, 0, device)) {
            double baseline = 0;
            for (int batch : batches) {
                float[] features = new float[batch * PairFeatures.width(shape.dimension())];
                for (int i = 0; i < features.length; i++) {
                    features[i] = (float) random.nextGaussian();
                }
                for (int i = 0; i < 20; i++) {
                    network.score(features, batch);
                }
                int calls = Math.max(50, 6400 / batch);
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    network.score(features, batch);
                }
                double perSecond = (double) calls * batch / ((System.nanoTime() - start) / 1e9);
                baseline = baseline == 0 ? perSecond : baseline;
                row("policy", "PyTorch", device, batch, perSecond, perSecond / baseline);
            }
        } catch (RuntimeException e) {
            System.out.printf("policy scoring on %s: %s%n", device, e.getMessage());
        }
    }

    private static DeviceChoice choice(Device device) {
        return device.isGpu() ? new DeviceChoice.Gpu(device.getDeviceId()) : DeviceChoice.CPU;
    }

    private static void row(String model, String engine, Device device, int batch, double perSecond, double ratio) {
        System.out.printf("%-10s %-8s %-7s %8d %14.1f %7.2fx%n", model, engine, device, batch, perSecond, ratio);
    }
}
