package dev.casebook.bench;

import dev.casebook.memory.embedding.LangChainEmbedder;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;

/**
 * {@code ./casebook bench embedding [--texts=512] [--batches=1,16,64]}: texts per second of the in-process model
 * embedding DeepResearcher questions at each batch size, and the ratio to the first batch size (the baseline).
 */
final class EmbeddingThroughputBench implements Bench.Benchmark {

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        List<String> texts = BenchData.deepResearcherQuestions(args.integer("texts", 512));
        List<Integer> batches = args.integers("batches", List.of(1, 16, 64));
        AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        System.out.printf("embedding throughput: model %s, %d DeepResearcher questions, %d cores%n",
                LangChainEmbedder.IN_PROCESS_MODEL_ID, texts.size(), Runtime.getRuntime().availableProcessors());
        new LangChainEmbedder(model, LangChainEmbedder.IN_PROCESS_MODEL_ID, 64).embedAll(texts.subList(0,
                Math.min(128, texts.size()))); // warm-up
        System.out.printf("%-8s %12s %10s%n", "batch", "texts/s", "ratio");
        double baseline = 0;
        for (int batch : batches) {
            LangChainEmbedder embedder = new LangChainEmbedder(model, LangChainEmbedder.IN_PROCESS_MODEL_ID, batch);
            long start = System.nanoTime();
            embedder.embedAll(texts);
            double perSecond = texts.size() / ((System.nanoTime() - start) / 1e9);
            if (baseline == 0) {
                baseline = perSecond;
            }
            System.out.printf("%-8d %12.1f %9.2fx%n", batch, perSecond, perSecond / baseline);
        }
    }
}
