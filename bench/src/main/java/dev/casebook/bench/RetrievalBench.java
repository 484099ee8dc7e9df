package dev.casebook.bench;

import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.VectorFormat;
import dev.casebook.memory.pgvector.HnswSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * {@code ./casebook bench retrieval [--sizes=10000,100000] [--queries=500] [--tenants=1,100]
 * [--stores=lucene,lucene-int7,lucene-int4,lucene-binary,pgvector,pgvector-halfvec] [--candidates=200]
 * [--index-dir=DIR [--reuse-only=true] [--schema-prefix=bench_kept]] [--build-only=true]
 * [--pg-maintenance-work-mem=1GB] [--pg-m=16] [--pg-ef-construction=64] [--ef-search=200,400]}: for each corpus size
 * and tenant count, p50/p99 latency of top-10 searches
 * filtered to one tenant and recall@10 against exact search, for each store in {@link #STORES}; with the bytes per
 * case a search reads and the disk per case, the time to import and to index (merge or index build) with the load
 * average at the end of the build, and the speed-up of p50 over exact search. The corpus is the real embeddings of
 * the DeepResearcher test questions, topped up with synthetic vectors (noisy mixtures of two real ones) for volume;
 * case i belongs to tenant i mod T; query q (a held-out real question) searches tenant q mod T. Exact search over
 * that tenant's cases, in the same run, is the ground truth and the baseline of the speed-up.
 *
 * <p>{@code --index-dir} keeps each built index ({@link KeptIndexes}: Lucene under the directory, pgvector in a named
 * schema of the test database) and reuses it in later runs instead of building again, so that builds (slow, and
 * fine on a busy machine) and query latency (which needs a quiet one) can be measured apart; {@code --reuse-only}
 * refuses to build what is not kept, {@code --build-only} builds (or checks) without measuring queries.
 * {@code --sizes=1000000} is the million-case run (about 3 GB of vectors in the benchmark's heap, and one index build
 * per store and tenant count; not run in CI).
 *
 * <p>pgvector: {@code --pg-m} and {@code --pg-ef-construction} are the build parameters of its HNSW index (default the
 * migration's 16 and 64; a kept build with others is filed under its own name, {@link HnswBuild#keptName}), and
 * {@code --ef-search} the {@code hnsw.ef_search} values its searches are measured with, one row each on the same
 * build (default 200, the server's {@code casebook.memory.pgvector.ef-search}).
 */
final class RetrievalBench implements Bench.Benchmark {

    /** The stores measured, by name. A new store adds one line here. */
    static final Map<String, RetrievalStore.Factory> STORES = new LinkedHashMap<>();

    static {
        for (VectorFormat format : VectorFormat.values()) {
            String name = format == VectorFormat.FLOAT32 ? "lucene" : "lucene-" + format.name().toLowerCase(Locale.ROOT);
            STORES.put(name, (dimension, location, args) -> new LuceneRetrievalStore(dimension, location,
                    args.integer("candidates", LuceneCaseStore.DEFAULT_MIN_CANDIDATES), format));
        }
        STORES.put("pgvector", (dimension, location, args) -> new PgVectorRetrievalStore(dimension, location,
                args.text("pg-maintenance-work-mem", "1GB"), HnswBuild.of(args), args.integers("ef-search",
                        List.of(HnswSearch.DEFAULT_EF_SEARCH)).stream().map(HnswSearch::new).toList()));
        STORES.put("pgvector-halfvec", (dimension, location, args) -> new PgVectorHalfvecRetrievalStore(dimension,
                location, args.integer("candidates", LuceneCaseStore.DEFAULT_MIN_CANDIDATES),
                args.text("pg-maintenance-work-mem", "1GB")));
    }

    private static final int K = 10;
    private static final int WARM_UP = 300;
    private static final String ROW = "%-34s %8s %7s %8s %8s %9s %10s %8s %6s %11s %10s %9s %9s %6s %6s %6s%n";

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        int queryCount = args.integer("queries", 500);
        InProcessEmbedder embedder = InProcessEmbedder.shared();
        List<String> questions = BenchData.deepResearcherQuestions(Integer.MAX_VALUE);
        List<float[]> embedded = BenchData.embeddings(embedder, questions);
        System.out.printf("retrieval: %d-d %s vectors, %d real DeepResearcher questions in the corpus, %d held-out "
                        + "question queries, top-%d, %d cores%n", embedder.dimension(), embedder.modelId(),
                embedded.size() - queryCount, queryCount, K, Runtime.getRuntime().availableProcessors());
        run(args, embedded.subList(0, queryCount), questions.subList(queryCount, questions.size()),
                embedded.subList(queryCount, embedded.size()));
    }

    /** The benchmark on given held-out queries and real cases (their texts and vectors), which the corpus starts with. */
    static void run(BenchArgs args, List<float[]> queries, List<String> realTexts, List<float[]> realVectors)
            throws Exception {
        List<Integer> sizes = args.integers("sizes", List.of(10_000, 100_000));
        List<Integer> tenantCounts = args.integers("tenants", List.of(1, 100));
        List<String> storeNames = args.strings("stores", List.copyOf(STORES.keySet()));
        for (String name : storeNames) {
            if (!STORES.containsKey(name)) {
                throw new IllegalArgumentException("unknown store '" + name + "'; known: " + STORES.keySet());
            }
        }
        HnswBuild pgBuild = HnswBuild.of(args);
        args.integers("ef-search", List.of()).forEach(HnswSearch::new); // refused before any build, not after
        boolean buildOnly = Boolean.parseBoolean(args.text("build-only", "false"));
        boolean reuseOnly = Boolean.parseBoolean(args.text("reuse-only", "false"));
        String indexDir = args.text("index-dir", "");
        if (reuseOnly && indexDir.isEmpty()) {
            throw new IllegalArgumentException("--reuse-only=true needs --index-dir: the kept indexes to reuse");
        }
        KeptIndexes kept = indexDir.isEmpty() ? null
                : new KeptIndexes(Path.of(indexDir), args.text("schema-prefix", "bench_kept"));
        System.out.printf(Locale.ROOT, "load average %s%s%n", load(), kept == null ? ""
                : ", indexes kept in " + Path.of(indexDir).toAbsolutePath() + (reuseOnly ? " (reuse only)" : ""));
        System.out.printf(ROW, "store", "cases", "tenants", "p50 ms", "p99 ms", "speed-up", "recall@10",
                "eps-rec", "ties", "searched B", "disk B", "import s", "index s", "b.load", "index", "load");
        for (int size : sizes) {
            for (int tenants : tenantCounts) {
                Corpus corpus = Corpus.build(size, tenants, realTexts, realVectors, new Random(size));
                Baseline baseline = buildOnly ? null : Baseline.measure(corpus, queries);
                if (baseline != null) {
                    System.out.printf(Locale.ROOT, ROW, "exact (brute force)", size, tenants,
                            millis(baseline.latency().percentileMillis(50)),
                            millis(baseline.latency().percentileMillis(99)), "1.0x", "1.000", "1.000",
                            Integer.toString(baseline.medianTies()), String.format(Locale.ROOT, "%.0f", (double) corpus.dimension() * Float.BYTES), "-", "-",
                            "-", "-", "-", load());
                }
                for (String name : storeNames) {
                    measure(name, name.equals("pgvector") ? pgBuild.keptName(name) : name, args, corpus, queries,
                            baseline, kept, reuseOnly);
                }
            }
        }
        System.out.printf(Locale.ROOT, "eps-rec: epsilon recall (ANN-benchmarks), the fraction of the top 10 returned "
                + "whose true cosine distance is within (1 + %.2f) of the exact 10th's; ties: the median over queries "
                + "of the tenant's cases within that distance (>= 10; many more means the 10th place is a near-tie)%n",
                EpsilonRecall.EPS);
        System.out.println("searched B / disk B: bytes per case a vector search reads (index and compared vectors) and "
                + "on disk; import s / index s: load, then merge or index build; b.load: load average at the end of the "
                + "build; index: built in this run or kept from an earlier one; speed-up: exact p50 / store p50");
        System.out.println("targets at 1M: recall@10 >= 0.97 (>= 0.95 with 100 tenants), p99 <= 10 ms, >= 100x exact "
                + "at p50");
    }

    /**
     * Exact search over each query's tenant: the ground truth and its latency, and per query how many of the tenant's
     * cases lie within {@link EpsilonRecall#EPS} of the 10th distance (counted apart from the timed searches).
     */
    private record Baseline(float[] matrix, List<Corpus.Exact> truth, Latency latency, int[] ties) {

        int medianTies() {
            int[] sorted = ties.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }

        static Baseline measure(Corpus corpus, List<float[]> queries) {
            int tenants = corpus.tenants();
            float[] matrix = corpus.matrix();
            for (int i = 0; i < 50; i++) {
                corpus.exactTopK(matrix, queries.get(i % queries.size()), i % tenants, K);
            }
            Latency latency = new Latency(queries.size());
            List<Corpus.Exact> truth = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                long start = System.nanoTime();
                Corpus.Exact top = corpus.exactTopK(matrix, queries.get(q), q % tenants, K);
                latency.add(System.nanoTime() - start);
                truth.add(top);
            }
            int[] ties = new int[queries.size()];
            for (int q = 0; q < queries.size(); q++) {
                ties[q] = EpsilonRecall.within(corpus.distances(matrix, queries.get(q), q % tenants),
                        truth.get(q).kthDistance(), EpsilonRecall.EPS);
            }
            return new Baseline(matrix, truth, latency, ties);
        }
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** {@code keptName}: what a kept build of store {@code name} with these arguments is filed under. */
    private static void measure(String name, String keptName, BenchArgs args, Corpus corpus, List<float[]> queries,
                                Baseline baseline, KeptIndexes kept, boolean reuseOnly) throws Exception {
        Path scratch = null;
        RetrievalStore.Location location;
        KeptIndexes.Entry entry = null;
        Optional<KeptIndexes.Manifest> finished = Optional.empty();
        int n = corpus.cases().size();
        if (kept == null) {
            scratch = Files.createTempDirectory("casebook-bench-");
            location = RetrievalStore.Location.scratch(scratch);
        } else {
            entry = kept.entry(keptName, n, corpus.tenants());
            finished = entry.finished(corpus.dimension(), corpus.fingerprint());
            if (finished.isEmpty()) {
                if (reuseOnly) {
                    throw new IllegalStateException("no finished build of " + keptName + " at " + n + " cases, "
                            + corpus.tenants() + " tenants in " + entry.dir() + "; run without --reuse-only=true to "
                            + "build it");
                }
                entry.clear();
            }
            location = new RetrievalStore.Location(entry.dir(), entry.schema(), finished.isPresent());
        }
        try (RetrievalStore store = STORES.get(name).open(corpus.dimension(), location, args)) {
            KeptIndexes.Manifest build;
            if (finished.isPresent()) {
                build = finished.get();
            } else {
                long start = System.nanoTime();
                store.load(corpus.cases(), corpus.vectors());
                long loaded = System.nanoTime();
                store.prepare();
                long prepared = System.nanoTime();
                build = new KeptIndexes.Manifest(keptName, n, corpus.tenants(), corpus.dimension(),
                        corpus.fingerprint(), (loaded - start) / 1e9, (prepared - loaded) / 1e9, loadAverage(), Instant.now());
                if (entry != null) {
                    entry.finish(build);
                }
            }
            RetrievalStore.Footprint footprint = store.footprint();
            String searched = footprint.searched() < 0 ? "NaN"
                    : String.format(Locale.ROOT, "%.0f", footprint.searched() / (double) n);
            String disk = footprint.disk() < 0 ? "NaN" : String.format(Locale.ROOT, "%.0f", footprint.disk() / (double) n);
            String importSeconds = String.format(Locale.ROOT, "%.1f", build.importSeconds());
            String indexSeconds = String.format(Locale.ROOT, "%.1f", build.indexSeconds());
            String buildLoad = String.format(Locale.ROOT, "%.1f", build.buildLoad());
            String how = finished.isPresent() ? "kept" : "built";
            if (baseline == null) {
                System.out.printf(Locale.ROOT, ROW, store.name(), n, corpus.tenants(), "-", "-", "-", "-", "-", "-",
                        searched,
                        disk, importSeconds, indexSeconds, buildLoad, how, load());
                return;
            }
            for (Searcher searcher : store.searchers()) {
                for (int i = 0; i < WARM_UP; i++) {
                    searcher.search(new VectorQuery(queries.get(i % queries.size()), corpus.filter(i), K));
                }
                Latency latency = new Latency(queries.size());
                double recall = 0;
                double epsilonRecall = 0;
                for (int q = 0; q < queries.size(); q++) {
                    float[] query = queries.get(q);
                    long start = System.nanoTime();
                    List<UUID> hits = searcher.search(new VectorQuery(query, corpus.filter(q), K));
                    latency.add(System.nanoTime() - start);
                    Corpus.Exact truth = baseline.truth().get(q);
                    recall += hits.stream().filter(truth.ids()::contains).count()
                            / (double) Math.min(K, truth.ids().size());
                    double[] distances = hits.stream().mapToDouble(id -> corpus.distance(baseline.matrix(), query, id))
                            .toArray();
                    epsilonRecall += EpsilonRecall.of(distances, truth.kthDistance(), Math.min(K, truth.ids().size()),
                            EpsilonRecall.EPS);
                }
                double p50 = latency.percentileMillis(50);
                System.out.printf(Locale.ROOT, ROW, searcher.name(), n, corpus.tenants(), millis(p50),
                        millis(latency.percentileMillis(99)),
                        String.format(Locale.ROOT, "%.1fx", baseline.latency().percentileMillis(50) / p50),
                        String.format(Locale.ROOT, "%.3f", recall / queries.size()),
                        String.format(Locale.ROOT, "%.3f", epsilonRecall / queries.size()),
                        Integer.toString(baseline.medianTies()), searched, disk, importSeconds,
                        indexSeconds, buildLoad, how, load());
            }
        } finally {
            if (scratch != null) {
                deleteRecursively(scratch);
            }
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
