package dev.casebook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.testkit.SharedData;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Real texts and their embeddings for the benchmarks: the DeepResearcher test questions in the shared data. */
final class BenchData {
    private BenchData() {
    }

    /** The distinct DeepResearcher test questions, in file order, at most {@code limit}. */
    static List<String> deepResearcherQuestions(int limit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> questions = new LinkedHashSet<>();
        try (BufferedReader lines = Files.newBufferedReader(SharedData.file("deepresearcher/test.jsonl"))) {
            String line;
            while ((line = lines.readLine()) != null && questions.size() < limit) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode prompt = json.readTree(line).path("prompt");
                String question = prompt.path(0).path("content").asText("").strip();
                if (!question.isEmpty()) {
                    questions.add(question);
                }
            }
        }
        return new ArrayList<>(questions);
    }

    /**
     * Embeddings of {@code texts}, cached under {@code target/} by model and text count so that repeated runs
     * skip the embedding step (delete the file to recompute).
     */
    static List<float[]> embeddings(Embedder embedder, List<String> texts) throws IOException {
        Path cache = Path.of("bench", "target", "embeddings-" + embedder.modelId() + "-" + texts.size() + "-"
                + Integer.toHexString(texts.hashCode()) + ".bin");
        if (Files.isRegularFile(cache)) {
            return read(cache, texts.size(), embedder.dimension());
        }
        long start = System.nanoTime();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += 64) { // one call per batch: each is served within the queue's wait
            vectors.addAll(embedder.embedAll(texts.subList(from, Math.min(texts.size(), from + 64))));
        }
        System.out.printf("embedded %d questions in %.1f s (cached in %s)%n", texts.size(),
                (System.nanoTime() - start) / 1e9, cache);
        Files.createDirectories(cache.getParent());
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(cache)))) {
            for (float[] v : vectors) {
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
        }
        return vectors;
    }

    private static List<float[]> read(Path cache, int count, int dimension) throws IOException {
        List<float[]> vectors = new ArrayList<>(count);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
            for (int i = 0; i < count; i++) {
                float[] v = new float[dimension];
                for (int d = 0; d < dimension; d++) {
                    v[d] = in.readFloat();
                }
                vectors.add(v);
            }
        }
        return vectors;
    }
}
