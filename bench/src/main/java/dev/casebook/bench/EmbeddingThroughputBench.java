package dev.casebook.bench;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.embedding.LangChainEmbedder;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./casebook bench embedding [--texts=512] [--batches=1,16,64] [--callers=16] [--rounds=2]}: texts per
 * second of the in-process model on DeepResearcher questions, the server's runner (DJL with its batching queue)
 * against LangChain4j's runner of the same ONNX file (the baseline, what the server used before), measured
 * alternately in the same run: once per batch size of {@code embedAll}, and once with {@code callers} threads each
 * embedding one text at a time (concurrent tasks), which is where the shared queue batches.
 */
final class EmbeddingThroughputBench implements Bench.Benchmark {

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        List<String> texts = BenchData.deepResearcherQuestions(args.integer("texts", 512));
        List<Integer> batches = args.integers("batches", List.of(1, 16, 64));
        int callers = args.integer("callers", 16);
        int rounds = args.integer("rounds", 2);
        // DJL's ONNX Runtime engine must create the process's ONNX Runtime environment before LangChain4j does
        Embedder djl = InProcessEmbedder.shared();
        Embedder langchain = new LangChainEmbedder(new AllMiniLmL6V2QuantizedEmbeddingModel(),
                InProcessEmbedder.MODEL_ID, 64);
        System.out.printf("embedding throughput: model %s, %d DeepResearcher questions, %d cores, %d rounds "
                + "alternating, load average %.2f%n", djl.modelId(), texts.size(),
                Runtime.getRuntime().availableProcessors(), rounds, load());
        List<String> warmUp = texts.subList(0, Math.min(128, texts.size()));
        langchain.embedAll(warmUp);
        djl.embedAll(warmUp);
        System.out.printf("%-22s %16s %12s %8s %6s%n", "mode", "langchain4j t/s", "djl t/s", "ratio", "load");
        for (int batch : batches) {
            report("embedAll batch " + batch, rounds, () -> batched(langchain, texts, batch),
                    () -> batched(djl, texts, batch));
        }
        report(callers + " callers, 1 text", rounds, () -> concurrent(langchain, texts, callers),
                () -> concurrent(djl, texts, callers));
    }

    private interface Measure {
        double textsPerSecond() throws Exception;
    }

    private static void report(String mode, int rounds, Measure baseline, Measure measured) throws Exception {
        double base = 0;
        double djl = 0;
        for (int round = 0; round < rounds; round++) {
            base += baseline.textsPerSecond();
            djl += measured.textsPerSecond();
        }
        System.out.printf("%-22s %16.1f %12.1f %7.2fx %6.2f%n", mode, base / rounds, djl / rounds, djl / base, load());
    }

    private static double batched(Embedder embedder, List<String> texts, int batch) {
        long start = System.nanoTime();
        for (int from = 0; from < texts.size(); from += batch) {
            embedder.embedAll(texts.subList(from, Math.min(texts.size(), from + batch)));
        }
        return texts.size() / ((System.nanoTime() - start) / 1e9);
    }

    private static double concurrent(Embedder embedder, List<String> texts, int callers) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < texts.size(); i = next.getAndIncrement()) {
                        embedder.embed(texts.get(i));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            return texts.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
