package dev.casebook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.transfer.CaseFormat;
import dev.casebook.memory.transfer.CaseImporter;
import dev.casebook.memory.transfer.ImportReport;
import dev.casebook.memory.transfer.OnError;
import dev.casebook.testkit.SharedData;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code ./casebook bench import [--repeats=1]}: imports the Memento case bank ({@code memento/memory.jsonl}, 1,278
 * cases) into each store and prints cases/s. Baseline, measured in the same run: embedding the same task texts in
 * the same batches without storing them, the ceiling of any import.
 */
final class ImportBench {
    private static final int BATCH = 64;

    private ImportBench() {
    }

    static void run(String[] args) throws Exception {
        int repeats = 1;
        for (String arg : args) {
            if (!arg.startsWith("--repeats=")) {
                throw new IllegalArgumentException("arguments: [--repeats=N], got '" + arg + "'");
            }
            repeats = Integer.parseInt(arg.substring("--repeats=".length()));
        }
        String bank = Files.readString(SharedData.file("memento/memory.jsonl"));
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : bank.lines().filter(l -> !l.isBlank()).toList()) {
            texts.add(json.readTree(line).get("case").asText());
        }
        int cases = texts.size();
        Embedder embedder = InProcessEmbedder.shared();
        EmbeddingSpace space = new EmbeddingSpace(embedder.modelId(), embedder.dimension());

        // warm-up: the model's first batches are slow
        embedder.embedAll(texts.subList(0, Math.min(texts.size(), 2 * BATCH)));

        System.out.printf("import of memento/memory.jsonl: %d cases, batches of %d, best of %d run(s)%n", cases,
                BATCH, repeats);
        System.out.printf("%-36s %10s %8s%n", "", "cases/s", "ratio");
        double baseline = best(repeats, () -> {
            long start = System.nanoTime();
            for (int from = 0; from < texts.size(); from += BATCH) {
                embedder.embedAll(texts.subList(from, Math.min(from + BATCH, texts.size())));
            }
            return texts.size() / seconds(start);
        });
        System.out.printf("%-36s %10.1f %8.2f%n", "baseline: embedding only", baseline, 1.0);
        double pgvector = best(repeats, () -> {
            try (PgVectorSchema schema = PgVectorSchema.create("import", space)) {
                return timedImport(schema.store(), embedder, bank, cases);
            }
        });
        System.out.printf("%-36s %10.1f %8.2f%n", "pgvector (a commit per batch of 64)", pgvector,
                pgvector / baseline);
        double lucene = best(repeats, () -> {
            Path dir = tempDir();
            try (CaseStore store = LuceneCaseStore.open(dir.resolve("cases"), space)) {
                return timedImport(store, embedder, bank, cases);
            } finally {
                delete(dir);
            }
        });
        System.out.printf("%-36s %10.1f %8.2f%n", "lucene (a commit per batch of 64)", lucene, lucene / baseline);
    }

    private static double timedImport(CaseStore store, Embedder embedder, String bank, int cases) {
        long start = System.nanoTime();
        ImportReport report = new CaseImporter(store, embedder, BATCH).importLines(new StringReader(bank),
                "bench", CaseFormat.MEMENTO, OnError.REJECT);
        double rate = report.imported() / seconds(start);
        if (report.imported() != cases) {
            throw new IllegalStateException("imported " + report.imported() + " of " + cases + " cases");
        }
        return rate;
    }

    private static double best(int repeats, Supplier<Double> run) {
        double best = 0;
        for (int i = 0; i < repeats; i++) {
            best = Math.max(best, run.get());
        }
        return best;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("casebook-bench-import");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
