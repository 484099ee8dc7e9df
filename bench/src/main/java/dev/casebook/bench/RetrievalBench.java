package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.VectorFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * {@code ./casebook bench retrieval [--sizes=10000,100000] [--queries=500] [--tenants=1,100]
 * [--stores=lucene,lucene-int7,lucene-int4,lucene-binary,pgvector,pgvector-halfvec] [--candidates=200]}: for each
 * corpus size and tenant count, p50/p99 latency of top-10 searches filtered to one tenant and recall@10 against
 * exact search, for each store in {@link #STORES}; with the bytes per case a search reads and the disk per case, the
 * time to build (load and prepare), and the speed-up of p50 over exact search. The corpus is the real embeddings of
 * the DeepResearcher test questions, topped up with synthetic vectors (noisy mixtures of two real ones) for volume;
 * case i belongs to tenant i mod T; query q (a held-out real question) searches tenant q mod T. Exact search over
 * that tenant's cases, in the same run, is the ground truth and the baseline of the speed-up.
 * {@code --sizes=1000000} is the million-case run (about 3 GB of vectors in the benchmark's heap, and one index build
 * per store and tenant count; not run in CI).
 */
final class RetrievalBench implements Bench.Benchmark {

    /** The stores measured, by name. A new store adds one line here. */
    static final Map<String, RetrievalStore.Factory> STORES = new LinkedHashMap<>();

    static {
        for (VectorFormat format : VectorFormat.values()) {
            String name = format == VectorFormat.FLOAT32 ? "lucene" : "lucene-" + format.name().toLowerCase(Locale.ROOT);
            STORES.put(name, (dimension, workDir, args) -> new LuceneRetrievalStore(dimension, workDir,
                    args.integer("candidates", LuceneCaseStore.DEFAULT_MIN_CANDIDATES), format));
        }
        STORES.put("pgvector", (dimension, workDir, args) -> new PgVectorRetrievalStore(dimension));
        STORES.put("pgvector-halfvec", (dimension, workDir, args) -> new PgVectorHalfvecRetrievalStore(dimension,
                args.integer("candidates", LuceneCaseStore.DEFAULT_MIN_CANDIDATES)));
    }

    private static final int K = 10;
    private static final int WARM_UP = 300;

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        List<Integer> sizes = args.integers("sizes", List.of(10_000, 100_000));
        List<Integer> tenantCounts = args.integers("tenants", List.of(1, 100));
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
                        + "question queries, top-%d, %d cores, load average %.2f%n", embedder.dimension(),
                embedder.modelId(), realVectors.size(), queries.size(), K, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("%-24s %8s %7s %8s %8s %9s %10s %11s %10s %10s %8s%n", "store", "cases", "tenants",
                "p50 ms", "p99 ms", "speed-up", "recall@10", "searched B", "disk B", "build s", "load");
        for (int size : sizes) {
            for (int tenants : tenantCounts) {
                Corpus corpus = Corpus.build(size, tenants, realTexts, realVectors, new Random(size));
                Latency bruteLatency = new Latency(queries.size());
                List<Set<UUID>> exact = new ArrayList<>();
                float[] matrix = corpus.matrix();
                for (int i = 0; i < 50; i++) {
                    corpus.exactTopK(matrix, queries.get(i % queries.size()), i % tenants, K);
                }
                for (int q = 0; q < queries.size(); q++) {
                    long start = System.nanoTime();
                    Set<UUID> top = corpus.exactTopK(matrix, queries.get(q), q % tenants, K);
                    bruteLatency.add(System.nanoTime() - start);
                    exact.add(top);
                }
                double baseline = bruteLatency.percentileMillis(50);
                System.out.printf("%-24s %8d %7d %8.3f %8.3f %9s %10.3f %11.0f %10s %10s %8s%n", "exact (brute force)",
                        size, tenants, baseline, bruteLatency.percentileMillis(99), "1.0x", 1.0,
                        (double) corpus.dimension() * Float.BYTES, "-", "-", load());
                for (String name : storeNames) {
                    measure(STORES.get(name), args, corpus, queries, exact, baseline);
                }
            }
        }
        System.out.println("searched B / disk B: bytes per case a vector search reads (index and compared vectors) and "
                + "on disk; build: load + prepare (merge or index build); speed-up: exact p50 / store p50");
        System.out.println("targets at 1M: recall@10 >= 0.97 (>= 0.95 with 100 tenants), p99 <= 10 ms, >= 100x exact "
                + "at p50");
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void measure(RetrievalStore.Factory factory, BenchArgs args, Corpus corpus, List<float[]> queries,
                                List<Set<UUID>> exact, double baseline) throws Exception {
        Path workDir = Files.createTempDirectory("casebook-bench-");
        try (RetrievalStore store = factory.open(corpus.dimension(), workDir, args)) {
            long buildStart = System.nanoTime();
            store.load(corpus.cases(), corpus.vectors());
            store.prepare();
            double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
            RetrievalStore.Footprint footprint = store.footprint();
            for (int i = 0; i < WARM_UP; i++) {
                store.search(new VectorQuery(queries.get(i % queries.size()), corpus.filter(i), K));
            }
            Latency latency = new Latency(queries.size());
            double recall = 0;
            for (int q = 0; q < queries.size(); q++) {
                long start = System.nanoTime();
                List<UUID> hits = store.search(new VectorQuery(queries.get(q), corpus.filter(q), K));
                latency.add(System.nanoTime() - start);
                Set<UUID> truth = exact.get(q);
                recall += hits.stream().filter(truth::contains).count() / (double) Math.min(K, truth.size());
            }
            double p50 = latency.percentileMillis(50);
            int n = corpus.cases().size();
            System.out.printf("%-24s %8d %7d %8.3f %8.3f %8.1fx %10.3f %11.0f %10.0f %10.1f %8s%n", store.name(), n,
                    corpus.tenants(), p50, latency.percentileMillis(99), baseline / p50, recall / queries.size(),
                    footprint.searched() < 0 ? Double.NaN : footprint.searched() / (double) n,
                    footprint.disk() < 0 ? Double.NaN : footprint.disk() / (double) n, buildSeconds, load());
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
    record Corpus(List<Case> cases, List<float[]> vectors, int tenants) {

        static String tenant(int index, int tenants) {
            return tenants == 1 ? "bench" : "t" + (index % tenants);
        }

        /** The filter of query {@code q}: tenant {@code q mod T}. */
        CaseFilter filter(int q) {
            return CaseFilter.tenant(tenant(q % tenants, tenants));
        }

        static Corpus build(int size, int tenants, List<String> realTexts, List<float[]> realVectors, Random random) {
            List<Case> cases = new ArrayList<>(size);
            List<float[]> vectors = new ArrayList<>(size);
            Instant created = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < size; i++) {
                boolean real = i < realVectors.size();
                float[] vector = real ? realVectors.get(i) : synthetic(realVectors, random);
                String task = real ? realTexts.get(i) : "synthetic case " + i;
                CaseLabel label = random.nextBoolean() ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE;
                cases.add(new Case(UUID.randomUUID(), tenant(i, tenants), task, "", "", label == CaseLabel.POSITIVE ? 1 : 0,
                        label, real ? CaseSource.REAL : CaseSource.SYNTHETIC, "", 0, 0, created.plusSeconds(i),
                        created.plusSeconds(i)));
                vectors.add(vector);
            }
            return new Corpus(cases, vectors, tenants);
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
         * The ids of the {@code k} cases of tenant number {@code tenant} with the highest cosine similarity (all
         * vectors are unit length): a scan of the tenant's rows (every T-th), keeping the best {@code k} in small arrays.
         */
        Set<UUID> exactTopK(float[] matrix, float[] query, int tenant, int k) {
            int dimension = query.length;
            float[] bestScores = new float[k];
            int[] bestRows = new int[k];
            Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
            int rows = matrix.length / dimension;
            for (int row = tenant; row < rows; row += tenants) {
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
            for (int i = 0; i < k; i++) {
                if (bestScores[i] == Float.NEGATIVE_INFINITY) {
                    break;
                }
                ids.add(cases.get(bestRows[i]).id());
            }
            return ids;
        }
    }
}
