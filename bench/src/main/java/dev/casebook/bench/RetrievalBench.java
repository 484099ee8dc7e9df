package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * {@code ./casebook bench retrieval [--sizes=10000,100000] [--queries=500] [--stores=lucene,...]
 * [--candidates=100]}: p50/p99 latency of top-10 searches and recall@10 against exact brute force, for each store in
 * {@link #STORES}, at each corpus size. The corpus is the real embeddings of the DeepResearcher test questions,
 * topped up with synthetic vectors (noisy mixtures of two real ones) for volume; queries are held-out real
 * questions. Brute force is measured in the same run and is the baseline of the latency ratios.
 */
final class RetrievalBench implements Bench.Benchmark {

    /** The stores measured, by name. A new store adds one line here. */
    static final Map<String, RetrievalStore.Factory> STORES = new LinkedHashMap<>();

    static {
        STORES.put("lucene", (dimension, workDir, args) -> new LuceneRetrievalStore(dimension, workDir,
                args.integer("candidates", LuceneCaseStore.DEFAULT_MIN_CANDIDATES)));
        STORES.put("pgvector", (dimension, workDir, args) -> new PgVectorRetrievalStore(dimension));
    }

    private static final int K = 10;
    private static final int WARM_UP = 300;
    private static final String TENANT = "bench";

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        List<Integer> sizes = args.integers("sizes", List.of(10_000, 100_000));
        int queryCount = args.integer("queries", 500);
        List<String> storeNames = args.strings("stores", List.copyOf(STORES.keySet()));
        for (String name : storeNames) {
            if (!STORES.containsKey(name)) {
                throw new IllegalArgumentException("unknown store '" + name + "'; known: " + STORES.keySet());
            }
        }
        InProcessEmbedder embedder = InProcessEmbedder.shared();
        List<String> questions = BenchData.deepResearcherQuestions(Integer.MAX_VALUE);
        List<float[]> embedded = BenchData.embeddings(embedder, questions);
        List<float[]> queries = embedded.subList(0, queryCount);
        List<String> realTexts = questions.subList(queryCount, questions.size());
        List<float[]> realVectors = embedded.subList(queryCount, embedded.size());
        System.out.printf("retrieval: %d-d %s vectors, %d real DeepResearcher questions in the corpus, %d held-out "
                        + "question queries, top-%d, %d cores%n", embedder.dimension(), embedder.modelId(),
                realVectors.size(), queries.size(), K, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-22s %8s %9s %9s %9s %10s %12s %10s%n", "store", "cases", "p50 ms", "p99 ms",
                "p50 ratio", "recall@10", "import/s", "prepare s");
        for (int size : sizes) {
            Corpus corpus = Corpus.build(size, realTexts, realVectors, new Random(size));
            Latency bruteLatency = new Latency(queries.size());
            List<Set<UUID>> exact = new ArrayList<>();
            float[] matrix = corpus.matrix();
            for (int i = 0; i < Math.min(WARM_UP, 50); i++) {
                corpus.exactTopK(matrix, queries.get(i % queries.size()), K);
            }
            for (float[] query : queries) {
                long start = System.nanoTime();
                Set<UUID> top = corpus.exactTopK(matrix, query, K);
                bruteLatency.add(System.nanoTime() - start);
                exact.add(top);
            }
            double baseline = bruteLatency.percentileMillis(50);
            System.out.printf("%-22s %8d %9.3f %9.3f %9.3f %10.3f %12s %10s%n", "brute-force (exact)", size,
                    baseline, bruteLatency.percentileMillis(99), 1.0, 1.0, "-", "-");
            for (String name : storeNames) {
                measure(STORES.get(name), args, corpus, queries, exact, baseline, size);
            }
        }
        System.out.println("targets at 100k: recall@10 >= 0.95 and p99 <= 10 ms for each HNSW store");
    }

    private static void measure(RetrievalStore.Factory factory, BenchArgs args, Corpus corpus, List<float[]> queries,
                                List<Set<UUID>> exact, double baseline, int size) throws Exception {
        Path workDir = Files.createTempDirectory("casebook-bench-");
        try (RetrievalStore store = factory.open(corpus.dimension(), workDir, args)) {
            long loadStart = System.nanoTime();
            store.load(corpus.cases(), corpus.vectors());
            double importPerSecond = corpus.cases().size() / ((System.nanoTime() - loadStart) / 1e9);
            long prepareStart = System.nanoTime();
            store.prepare();
            double prepareSeconds = (System.nanoTime() - prepareStart) / 1e9;
            CaseFilter filter = CaseFilter.tenant(TENANT);
            for (int i = 0; i < WARM_UP; i++) {
                store.retriever().search(new VectorQuery(queries.get(i % queries.size()), filter, K));
            }
            Latency latency = new Latency(queries.size());
            double recall = 0;
            for (int q = 0; q < queries.size(); q++) {
                long start = System.nanoTime();
                List<ScoredCase> hits = store.retriever().search(new VectorQuery(queries.get(q), filter, K));
                latency.add(System.nanoTime() - start);
                Set<UUID> truth = exact.get(q);
                recall += hits.stream().filter(hit -> truth.contains(hit.value().id())).count() / (double) K;
            }
            double p50 = latency.percentileMillis(50);
            System.out.printf("%-22s %8d %9.3f %9.3f %9.3f %10.3f %12.0f %10.1f%n", store.name(), size, p50,
                    latency.percentileMillis(99), p50 / baseline, recall / queries.size(), importPerSecond,
                    prepareSeconds);
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The cases, their unit vectors, and exact search over them. */
    record Corpus(List<Case> cases, List<float[]> vectors) {

        static Corpus build(int size, List<String> realTexts, List<float[]> realVectors, Random random) {
            List<Case> cases = new ArrayList<>(size);
            List<float[]> vectors = new ArrayList<>(size);
            Instant created = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < size; i++) {
                boolean real = i < realVectors.size();
                float[] vector = real ? realVectors.get(i) : synthetic(realVectors, random);
                String task = real ? realTexts.get(i) : "synthetic case " + i;
                CaseLabel label = random.nextBoolean() ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE;
                cases.add(new Case(UUID.randomUUID(), TENANT, task, "", "", label == CaseLabel.POSITIVE ? 1 : 0,
                        label, real ? CaseSource.REAL : CaseSource.SYNTHETIC, "", 0, 0, created.plusSeconds(i),
                        created.plusSeconds(i)));
                vectors.add(vector);
            }
            return new Corpus(cases, vectors);
        }

        /** A noisy mixture of two real vectors, scaled to unit length. */
        private static float[] synthetic(List<float[]> real, Random random) {
            float[] a = real.get(random.nextInt(real.size()));
            float[] b = real.get(random.nextInt(real.size()));
            double mix = random.nextDouble();
            float[] v = new float[a.length];
            double norm = 0;
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) (mix * a[d] + (1 - mix) * b[d] + 0.02 * random.nextGaussian());
                norm += (double) v[d] * v[d];
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < v.length; d++) {
                v[d] *= scale;
            }
            return v;
        }

        int dimension() {
            return vectors.getFirst().length;
        }

        /** The vectors in one row-major array, for a fast exact scan. */
        float[] matrix() {
            int dimension = dimension();
            float[] matrix = new float[vectors.size() * dimension];
            for (int i = 0; i < vectors.size(); i++) {
                System.arraycopy(vectors.get(i), 0, matrix, i * dimension, dimension);
            }
            return matrix;
        }

        /**
         * The ids of the {@code k} cases with the highest cosine similarity (all vectors are unit length): a scan of
         * every dot product, keeping the best {@code k} in small arrays.
         */
        Set<UUID> exactTopK(float[] matrix, float[] query, int k) {
            int dimension = query.length;
            float[] bestScores = new float[k];
            int[] bestRows = new int[k];
            java.util.Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
            int rows = matrix.length / dimension;
            for (int row = 0; row < rows; row++) {
                int base = row * dimension;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                int d = 0;
                for (; d + 3 < dimension; d += 4) {
                    s0 += query[d] * matrix[base + d];
                    s1 += query[d + 1] * matrix[base + d + 1];
                    s2 += query[d + 2] * matrix[base + d + 2];
                    s3 += query[d + 3] * matrix[base + d + 3];
                }
                for (; d < dimension; d++) {
                    s0 += query[d] * matrix[base + d];
                }
                float score = (s0 + s1) + (s2 + s3);
                if (score > bestScores[k - 1]) {
                    int at = k - 1;
                    while (at > 0 && bestScores[at - 1] < score) {
                        bestScores[at] = bestScores[at - 1];
                        bestRows[at] = bestRows[at - 1];
                        at--;
                    }
                    bestScores[at] = score;
                    bestRows[at] = row;
                }
            }
            Set<UUID> ids = new HashSet<>();
            for (int i = 0; i < Math.min(k, rows); i++) {
                ids.add(cases.get(bestRows[i]).id());
            }
            return ids;
        }
    }
}
