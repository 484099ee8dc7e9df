package dev.casebook.bench.policy;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.policy.learned.PairFeatures;
import dev.casebook.memory.policy.learned.QNetwork;
import dev.casebook.memory.policy.learned.RankingMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Trains the Q-network offline on AgentFly's case-selection pairs and compares it with cosine similarity on a
 * held-out split: queries (not rows) are split with a seed, so no held-out query is seen in training.
 */
public final class OfflinePolicyEvaluation {

    /**
     * @param seed         split, shuffling and initialisation seed
     * @param heldOutShare fraction of queries held out
     * @param queryLimit   use only this many queries (0 = all), for a quick run
     * @param epochs       passes over the training pairs
     * @param batchSize    mini-batch size
     * @param k            K of precision@K
     * @param hidden       hidden width of the network
     * @param learningRate Adam's learning rate
     */
    public record Settings(long seed, double heldOutShare, int queryLimit, int epochs, int batchSize, int k,
            int hidden, float learningRate) {
        public Settings {
            if (!(heldOutShare > 0 && heldOutShare < 1)) {
                throw new IllegalArgumentException("heldOutShare must be within (0, 1), was " + heldOutShare);
            }
            if (queryLimit < 0 || epochs < 0 || batchSize < 1 || k < 1 || hidden < 1) {
                throw new IllegalArgumentException("queryLimit and epochs must be >= 0, batchSize, k and hidden > 0");
            }
        }

        public static Settings defaults() {
            return new Settings(42, 0.2, 0, 5, 64, 4, 128, 1e-3f);
        }
    }

    /** A scored method: its name, held-out ROC-AUC and precision@K. */
    public record Row(String method, double rocAuc, double precisionAtK) {
    }

    /** What a run measured. */
    public record Report(String embeddingModel, String device, int trainQueries, int heldOutQueries, int trainPairs,
            int heldOutPairs, int epochs, long steps, double trainLossBefore, double trainLossAfter,
            double msPerStep, int k, int mixedQueries, List<Row> rows) {

        public String format() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("policy-offline: %d train / %d held-out queries (%d / %d pairs), embeddings %s,"
                    + " Q-network on %s%n", trainQueries, heldOutQueries, trainPairs, heldOutPairs, embeddingModel,
                    device));
            out.append(String.format("training: %d epochs, %d steps, %.2f ms/step, training-set BCE %.4f -> %.4f%n",
                    epochs, steps, msPerStep, trainLossBefore, trainLossAfter));
            out.append(String.format("%-22s %10s %10s%n", "held-out", "ROC-AUC", "P@" + k));
            for (Row row : rows) {
                out.append(String.format("%-22s %10.4f %10.4f%n", row.method(), row.rocAuc(), row.precisionAtK()));
            }
            if (mixedQueries == 0) {
                out.append("note: truth_label is the same for every case of a held-out query, so P@" + k
                        + " cannot tell rankings apart (it is the share of successful queries for every method);"
                        + " ROC-AUC measures how well a score predicts the episode's success.\n");
            }
            return out.toString();
        }
    }

    private final Settings settings;
    private final Embedder embedder;

    Settings settings() {
        return settings;
    }

    Embedder embedder() {
        return embedder;
    }

    public OfflinePolicyEvaluation(Settings settings, Embedder embedder) {
        this.settings = settings;
        this.embedder = embedder;
    }

    public Report run(List<SelectionPair> pairs) {
        Random random = new Random(settings.seed());
        Split split = split(pairs, random);
        List<SelectionPair> train = split.train();
        List<SelectionPair> heldOut = split.heldOut();
        Map<String, float[]> vectors = embed(train, heldOut);
        int dimension = embedder.dimension();
        Batch trainBatch = Batch.of(train, vectors, dimension);
        Batch heldOutBatch = Batch.of(heldOut, vectors, dimension);

        try (QNetwork network = QNetwork.create(
                new QNetwork.Settings(dimension, settings.hidden(), settings.learningRate()))) {
            double before = trainBatch.loss(network);
            long started = System.nanoTime();
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < trainBatch.rows(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                for (int from = 0; from < order.size(); from += settings.batchSize()) {
                    Batch mini = trainBatch.select(order.subList(from, Math.min(order.size(),
                            from + settings.batchSize())));
                    network.train(mini.features(), mini.rewards(), mini.rows());
                }
            }
            double msPerStep = network.steps() == 0 ? 0
                    : (System.nanoTime() - started) / 1e6 / network.steps();
            double after = trainBatch.loss(network);

            float[] logits = network.score(heldOutBatch.features(), heldOutBatch.rows());
            double[] learned = new double[logits.length];
            double[] cosine = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                learned[i] = logits[i];
                cosine[i] = dot(vectors.get(heldOut.get(i).query()), vectors.get(heldOut.get(i).caseText()));
            }
            List<Row> rows = List.of(row("similarity (cosine)", cosine, heldOut),
                    row("learned (Q-network)", learned, heldOut));
            return new Report(embedder.modelId(), network.device().toString(), split.trainQueries(),
                    split.heldOutQueries(), train.size(), heldOut.size(), settings.epochs(), network.steps(), before, after,
                    msPerStep, settings.k(), mixedQueries(heldOut), rows);
        }
    }

    /** Queries whose cases do not all share one truth label (only those can rank cases apart). */
    private static int mixedQueries(List<SelectionPair> pairs) {
        Map<String, Set<Boolean>> truths = new HashMap<>();
        for (SelectionPair p : pairs) {
            truths.computeIfAbsent(p.query(), q -> new HashSet<>()).add(p.helps());
        }
        return (int) truths.values().stream().filter(t -> t.size() > 1).count();
    }

    /** Pairs split by query: every pair of a held-out query is held out. */
    record Split(List<SelectionPair> train, List<SelectionPair> heldOut, int trainQueries, int heldOutQueries) {
    }

    /** Shuffles the distinct queries with {@code random}, keeps {@code queryLimit} of them, holds out a share. */
    Split split(List<SelectionPair> pairs, Random random) {
        List<String> queries = new ArrayList<>(new LinkedHashSet<>(pairs.stream().map(SelectionPair::query).toList()));
        Collections.shuffle(queries, random);
        if (settings.queryLimit() > 0 && settings.queryLimit() < queries.size()) {
            queries = queries.subList(0, settings.queryLimit());
        }
        int heldOutCount = Math.max(1, (int) Math.round(queries.size() * settings.heldOutShare()));
        Set<String> heldOutQueries = Set.copyOf(queries.subList(0, heldOutCount));
        Set<String> used = Set.copyOf(queries);
        List<SelectionPair> train = new ArrayList<>();
        List<SelectionPair> heldOut = new ArrayList<>();
        for (SelectionPair p : pairs) {
            if (used.contains(p.query())) {
                (heldOutQueries.contains(p.query()) ? heldOut : train).add(p);
            }
        }
        return new Split(train, heldOut, queries.size() - heldOutCount, heldOutCount);
    }

    private Row row(String method, double[] scores, List<SelectionPair> pairs) {
        boolean[] truth = new boolean[pairs.size()];
        Map<String, List<Integer>> byQuery = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            truth[i] = pairs.get(i).helps();
            byQuery.computeIfAbsent(pairs.get(i).query(), q -> new ArrayList<>()).add(i);
        }
        List<double[]> groupScores = new ArrayList<>();
        List<boolean[]> groupTruth = new ArrayList<>();
        for (List<Integer> rows : byQuery.values()) {
            double[] s = new double[rows.size()];
            boolean[] t = new boolean[rows.size()];
            for (int j = 0; j < rows.size(); j++) {
                s[j] = scores[rows.get(j)];
                t[j] = truth[rows.get(j)];
            }
            groupScores.add(s);
            groupTruth.add(t);
        }
        return new Row(method, RankingMetrics.rocAuc(scores, truth),
                RankingMetrics.precisionAtK(groupScores, groupTruth, settings.k()));
    }

    Map<String, float[]> embed(List<SelectionPair> train, List<SelectionPair> heldOut) {
        Set<String> texts = new LinkedHashSet<>();
        for (List<SelectionPair> list : List.of(train, heldOut)) {
            for (SelectionPair p : list) {
                texts.add(p.query());
                texts.add(p.caseText());
            }
        }
        List<String> ordered = List.copyOf(texts);
        List<float[]> embedded = embedder.embedAll(ordered);
        Map<String, float[]> vectors = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            vectors.put(ordered.get(i), embedded.get(i));
        }
        return vectors;
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** Pair features and rewards of a list of pairs; the data has no usage counts, so those are zero. */
    record Batch(float[] features, float[] rewards, int rows, int width) {

        static Batch of(List<SelectionPair> pairs, Map<String, float[]> vectors, int dimension) {
            int width = PairFeatures.width(dimension);
            float[] features = new float[pairs.size() * width];
            float[] rewards = new float[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                SelectionPair p = pairs.get(i);
                PairFeatures.write(vectors.get(p.query()), vectors.get(p.caseText()), 0, 0, p.caseLabel(), features,
                        i * width);
                rewards[i] = p.helps() ? 1f : 0f;
            }
            return new Batch(features, rewards, pairs.size(), width);
        }

        Batch select(List<Integer> indices) {
            float[] f = new float[indices.size() * width];
            float[] r = new float[indices.size()];
            for (int j = 0; j < indices.size(); j++) {
                System.arraycopy(features, indices.get(j) * width, f, j * width, width);
                r[j] = rewards[indices.get(j)];
            }
            return new Batch(f, r, indices.size(), width);
        }

        /** Mean binary cross-entropy of the network's logits against the rewards. */
        double loss(QNetwork network) {
            float[] logits = network.score(features, rows);
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                double z = logits[i];
                // log(1 + e^z) - y z, computed stably
                sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - rewards[i] * z;
            }
            return sum / rows;
        }
    }
}
