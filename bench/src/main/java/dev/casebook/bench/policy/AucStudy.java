package dev.casebook.bench.policy;

import dev.casebook.memory.policy.learned.QNetwork;
import dev.casebook.memory.policy.learned.RankingMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code policy-offline --validation=SHARE}: the variants tried for issue 19's ROC-AUC target, chosen on a
 * validation split carved out of the training queries, never on the held-out ones.
 *
 * <p>The held-out split is the one of {@link OfflinePolicyEvaluation#split} (same seed, same queries). A share of the
 * remaining training queries, shuffled with {@code seed + 1}, is the validation split; every variant is fitted on the
 * rest (the fitting queries) and scored on validation and on held-out. The variants:
 * <ul>
 * <li>the Q-network with {@code hidden} and with a quarter of it, after each epoch up to {@code 2 × epochs} (early
 * stopping = the epoch of best validation ROC-AUC);</li>
 * <li>the Q-network's logits averaged over the cases of each query (a query-level score);</li>
 * <li>kNN: the success rate of the k fitting queries whose embeddings are nearest to the query's (k among
 * {@link #KS}); the value of nearby tasks;</li>
 * <li>a blend {@code (1 − w)·σ(network) + w·kNN} of the chosen network and the chosen k, w among {@link #WEIGHTS}.</li>
 * </ul>
 * Each choice (epoch, width, k, w) is the one with the best validation ROC-AUC; the held-out column of the others is
 * printed for transparency only.
 */
final class AucStudy {

    static final int[] KS = {5, 10, 20, 50, 100};
    static final double[] WEIGHTS = {0, 0.25, 0.5, 0.75, 0.9, 1};
    static final double[] L2S = {1e-4, 1e-3, 1e-2, 1e-1};
    static final int LOGISTIC_STEPS = 2000;
    static final double LOGISTIC_RATE = 2.0;

    /** One variant: validation and held-out ROC-AUC, and the fitting-set BCE (NaN where there is no network). */
    record Row(String variant, double validationAuc, double heldOutAuc, double fitBce) {
    }

    /** The rows in the order tried, and the chosen ones. */
    record Report(int fitQueries, int validationQueries, int heldOutQueries, List<Row> rows, List<Row> finalists,
            Row chosen, Row refit) {

        String format() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("validation study: %d fitting / %d validation / %d held-out queries%n",
                    fitQueries, validationQueries, heldOutQueries));
            out.append(String.format("%-44s %10s %10s %10s%n", "variant", "val AUC", "held AUC", "fit BCE"));
            for (Row row : rows) {
                out.append(line(row));
            }
            out.append("best of each kind on validation:\n");
            for (Row row : finalists) {
                out.append(line(row));
            }
            out.append("chosen (best validation ROC-AUC):\n").append(line(chosen));
            out.append("the best blend's choices refitted on all training queries, scored once on held-out:\n")
                    .append(line(refit));
            return out.toString();
        }

        private static String line(Row row) {
            return String.format("%-44s %10s %10.4f %10s%n", row.variant(),
                    Double.isNaN(row.validationAuc()) ? "-" : String.format("%.4f", row.validationAuc()),
                    row.heldOutAuc(),
                    Double.isNaN(row.fitBce()) ? "-" : String.format("%.4f", row.fitBce()));
        }
    }

    private final OfflinePolicyEvaluation evaluation;
    private final double validationShare;

    AucStudy(OfflinePolicyEvaluation evaluation, double validationShare) {
        if (!(validationShare > 0 && validationShare < 1)) {
            throw new IllegalArgumentException("validation share must be within (0, 1), was " + validationShare);
        }
        this.evaluation = evaluation;
        this.validationShare = validationShare;
    }

    Report run(List<SelectionPair> pairs) {
        OfflinePolicyEvaluation.Settings settings = evaluation.settings();
        Random random = new Random(settings.seed());
        OfflinePolicyEvaluation.Split split = evaluation.split(pairs, random);
        List<String> trainQueries = new ArrayList<>(new LinkedHashSet<>(
                split.train().stream().map(SelectionPair::query).toList()));
        Set<String> validationQueries = validationQueries(split.train(), settings.seed(), validationShare);
        int validationCount = validationQueries.size();
        List<SelectionPair> fit = new ArrayList<>();
        List<SelectionPair> validation = new ArrayList<>();
        for (SelectionPair p : split.train()) {
            (validationQueries.contains(p.query()) ? validation : fit).add(p);
        }
        List<SelectionPair> heldOut = split.heldOut();
        Map<String, float[]> vectors = evaluation.embed(split.train(), heldOut);
        int dimension = evaluation.embedder().dimension();
        OfflinePolicyEvaluation.Batch fitBatch = OfflinePolicyEvaluation.Batch.of(fit, vectors, dimension);
        OfflinePolicyEvaluation.Batch validationBatch = OfflinePolicyEvaluation.Batch.of(validation, vectors, dimension);
        OfflinePolicyEvaluation.Batch heldOutBatch = OfflinePolicyEvaluation.Batch.of(heldOut, vectors, dimension);

        List<Row> rows = new ArrayList<>();
        // networks: per epoch, two widths; keep the logits of the best by validation
        Row bestNetwork = null;
        float[][] bestLogits = null;
        int bestHidden = 0;
        int bestEpoch = 0;
        int maxEpochs = Math.max(1, 2 * settings.epochs());
        for (int hidden : new int[] {settings.hidden(), Math.max(1, settings.hidden() / 4)}) {
            Random order = new Random(settings.seed());
            try (QNetwork network = QNetwork.create(
                    new QNetwork.Settings(dimension, hidden, settings.learningRate()))) {
                for (int epoch = 1; epoch <= maxEpochs; epoch++) {
                    List<Integer> indices = new ArrayList<>();
                    for (int i = 0; i < fitBatch.rows(); i++) {
                        indices.add(i);
                    }
                    Collections.shuffle(indices, order);
                    for (int from = 0; from < indices.size(); from += settings.batchSize()) {
                        OfflinePolicyEvaluation.Batch mini = fitBatch.select(indices.subList(from,
                                Math.min(indices.size(), from + settings.batchSize())));
                        network.train(mini.features(), mini.rewards(), mini.rows());
                    }
                    float[] v = network.score(validationBatch.features(), validationBatch.rows());
                    float[] h = network.score(heldOutBatch.features(), heldOutBatch.rows());
                    Row row = new Row("network h=" + hidden + " epoch " + epoch, auc(toDouble(v), validation),
                            auc(toDouble(h), heldOut), fitBatch.loss(network));
                    rows.add(row);
                    if (bestNetwork == null || row.validationAuc() > bestNetwork.validationAuc()) {
                        bestNetwork = row;
                        bestLogits = new float[][] {v, h};
                        bestHidden = hidden;
                        bestEpoch = epoch;
                    }
                }
            }
        }
        double[] netValidation = sigmoid(bestLogits[0]);
        double[] netHeldOut = sigmoid(bestLogits[1]);
        rows.add(new Row("query mean of " + bestNetwork.variant(), auc(queryMean(netValidation, validation),
                validation), auc(queryMean(netHeldOut, heldOut), heldOut), Double.NaN));

        // kNN success rate of the nearest fitting queries
        Map<String, Boolean> solved = new LinkedHashMap<>();
        for (SelectionPair p : fit) {
            solved.put(p.query(), p.helps());
        }
        Row bestKnn = null;
        double[][] bestKnnScores = null;
        int bestK = 0;
        for (int k : KS) {
            double[] v = knn(validation, solved, vectors, k);
            double[] h = knn(heldOut, solved, vectors, k);
            Row row = new Row("kNN success rate k=" + k, auc(v, validation), auc(h, heldOut), Double.NaN);
            rows.add(row);
            if (bestKnn == null || row.validationAuc() > bestKnn.validationAuc()) {
                bestKnn = row;
                bestKnnScores = new double[][] {v, h};
                bestK = k;
            }
        }

        double[] meanValidation = queryMean(netValidation, validation);
        double[] meanHeldOut = queryMean(netHeldOut, heldOut);
        Row bestBlend = null;
        boolean bestMean = false;
        double bestW = 0;
        for (boolean mean : new boolean[] {false, true}) {
            for (double w : WEIGHTS) {
                Row row = new Row(String.format("blend w=%.2f (%s%s, %s)", w, mean ? "mean " : "",
                        shortName(bestNetwork), shortName(bestKnn)),
                        auc(blend(mean ? meanValidation : netValidation, bestKnnScores[0], w), validation),
                        auc(blend(mean ? meanHeldOut : netHeldOut, bestKnnScores[1], w), heldOut), Double.NaN);
                rows.add(row);
                if (bestBlend == null || row.validationAuc() > bestBlend.validationAuc()) {
                    bestBlend = row;
                    bestMean = mean;
                    bestW = w;
                }
            }
        }

        // logistic regression on the query embedding alone (the pair features leave the raw state out)
        Row bestLogistic = null;
        for (double l2 : L2S) {
            double[] weights = logistic(fit, vectors, dimension, l2);
            Row row = new Row(String.format("logistic on query, L2=%.0e", l2),
                    auc(linear(weights, validation, vectors), validation),
                    auc(linear(weights, heldOut, vectors), heldOut), Double.NaN);
            rows.add(row);
            if (bestLogistic == null || row.validationAuc() > bestLogistic.validationAuc()) {
                bestLogistic = row;
            }
        }
        List<Row> finalists = List.of(bestNetwork, rows.get(indexOfMean(rows)), bestKnn, bestBlend, bestLogistic);
        Row overall = finalists.stream().max(Comparator.comparingDouble(Row::validationAuc)).orElseThrow();
        Row refit = refit(split.train(), heldOut, vectors, dimension, bestHidden, bestEpoch, bestMean, bestK, bestW);
        return new Report(trainQueries.size() - validationCount, validationCount, split.heldOutQueries(), rows,
                finalists, overall, refit);
    }

    /**
     * The validation queries: the training split's distinct queries shuffled with {@code seed + 1}, the first
     * {@code share} of them (at least one).
     */
    static Set<String> validationQueries(List<SelectionPair> train, long seed, double share) {
        List<String> queries = new ArrayList<>(new LinkedHashSet<>(train.stream().map(SelectionPair::query).toList()));
        Collections.shuffle(queries, new Random(seed + 1));
        int count = Math.max(1, (int) Math.round(queries.size() * share));
        return Set.copyOf(queries.subList(0, count));
    }

    /**
     * The best blend's choices (width, epochs, query mean or not, k, w) fitted again on all the training queries
     * (fitting and validation) and scored once on held-out; its validation column is NaN (nothing is left to
     * validate on).
     */
    private Row refit(List<SelectionPair> train, List<SelectionPair> heldOut, Map<String, float[]> vectors,
            int dimension, int hidden, int epochs, boolean mean, int k, double w) {
        OfflinePolicyEvaluation.Settings settings = evaluation.settings();
        OfflinePolicyEvaluation.Batch trainBatch = OfflinePolicyEvaluation.Batch.of(train, vectors, dimension);
        OfflinePolicyEvaluation.Batch heldOutBatch = OfflinePolicyEvaluation.Batch.of(heldOut, vectors, dimension);
        Random order = new Random(settings.seed());
        double[] network;
        double bce;
        try (QNetwork q = QNetwork.create(new QNetwork.Settings(dimension, hidden, settings.learningRate()))) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                List<Integer> indices = new ArrayList<>();
                for (int i = 0; i < trainBatch.rows(); i++) {
                    indices.add(i);
                }
                Collections.shuffle(indices, order);
                for (int from = 0; from < indices.size(); from += settings.batchSize()) {
                    OfflinePolicyEvaluation.Batch mini = trainBatch.select(indices.subList(from,
                            Math.min(indices.size(), from + settings.batchSize())));
                    q.train(mini.features(), mini.rewards(), mini.rows());
                }
            }
            network = sigmoid(q.score(heldOutBatch.features(), heldOutBatch.rows()));
            bce = trainBatch.loss(q);
        }
        if (mean) {
            network = queryMean(network, heldOut);
        }
        Map<String, Boolean> solved = new LinkedHashMap<>();
        for (SelectionPair p : train) {
            solved.put(p.query(), p.helps());
        }
        double[] knn = knn(heldOut, solved, vectors, k);
        return new Row(String.format("refit on all training: w=%.2f (%sh=%d/e%d, k=%d)", w, mean ? "mean " : "",
                hidden, epochs, k), Double.NaN, auc(blend(network, knn, w), heldOut), bce);
    }

    private static int indexOfMean(List<Row> rows) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).variant().startsWith("query mean")) {
                return i;
            }
        }
        throw new IllegalStateException("no query-mean row");
    }

    /**
     * Weights (bias last) of an L2-regularised logistic regression of the query's success on its embedding, one row
     * per fitting query, by full-batch gradient descent from zero (deterministic).
     */
    static double[] logistic(List<SelectionPair> fit, Map<String, float[]> vectors, int dimension, double l2) {
        Map<String, Boolean> solved = new LinkedHashMap<>();
        for (SelectionPair p : fit) {
            solved.put(p.query(), p.helps());
        }
        List<float[]> xs = solved.keySet().stream().map(vectors::get).toList();
        double[] ys = solved.values().stream().mapToDouble(b -> b ? 1 : 0).toArray();
        double[] w = new double[dimension + 1];
        int n = xs.size();
        for (int step = 0; step < LOGISTIC_STEPS; step++) {
            double[] grad = new double[dimension + 1];
            for (int i = 0; i < n; i++) {
                float[] x = xs.get(i);
                double z = w[dimension];
                for (int j = 0; j < dimension; j++) {
                    z += w[j] * x[j];
                }
                double error = 1 / (1 + Math.exp(-z)) - ys[i];
                for (int j = 0; j < dimension; j++) {
                    grad[j] += error * x[j];
                }
                grad[dimension] += error;
            }
            for (int j = 0; j <= dimension; j++) {
                double g = grad[j] / n + (j < dimension ? l2 * w[j] : 0);
                w[j] -= LOGISTIC_RATE * g;
            }
        }
        return w;
    }

    private static double[] linear(double[] w, List<SelectionPair> pairs, Map<String, float[]> vectors) {
        int d = w.length - 1;
        double[] out = new double[pairs.size()];
        for (int i = 0; i < out.length; i++) {
            float[] x = vectors.get(pairs.get(i).query());
            double z = w[d];
            for (int j = 0; j < d; j++) {
                z += w[j] * x[j];
            }
            out[i] = z;
        }
        return out;
    }

    private static String shortName(Row row) {
        return row.variant().replace("network ", "").replace("kNN success rate ", "").replace(" epoch ", "/e");
    }

    /** Per pair, the success rate of the {@code k} fitting queries nearest (cosine) to the pair's query. */
    static double[] knn(List<SelectionPair> pairs, Map<String, Boolean> solved, Map<String, float[]> vectors, int k) {
        List<String> pool = List.copyOf(solved.keySet());
        Map<String, Double> cache = new HashMap<>();
        double[] out = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            String query = pairs.get(i).query();
            out[i] = cache.computeIfAbsent(query, q -> {
                float[] qv = vectors.get(q);
                double[] sims = new double[pool.size()];
                Integer[] idx = new Integer[pool.size()];
                for (int j = 0; j < pool.size(); j++) {
                    sims[j] = pool.get(j).equals(q) ? Double.NEGATIVE_INFINITY
                            : OfflinePolicyEvaluation.dot(qv, vectors.get(pool.get(j)));
                    idx[j] = j;
                }
                Arrays.sort(idx, (a, b) -> Double.compare(sims[b], sims[a]));
                int n = Math.min(k, pool.size());
                double hits = 0;
                for (int j = 0; j < n; j++) {
                    hits += solved.get(pool.get(idx[j])) ? 1 : 0;
                }
                return hits / n;
            });
        }
        return out;
    }

    private static double[] blend(double[] network, double[] knn, double w) {
        double[] out = new double[network.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (1 - w) * network[i] + w * knn[i];
        }
        return out;
    }

    private static double[] queryMean(double[] scores, List<SelectionPair> pairs) {
        Map<String, double[]> sums = new HashMap<>();
        for (int i = 0; i < scores.length; i++) {
            double[] s = sums.computeIfAbsent(pairs.get(i).query(), q -> new double[2]);
            s[0] += scores[i];
            s[1]++;
        }
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            double[] s = sums.get(pairs.get(i).query());
            out[i] = s[0] / s[1];
        }
        return out;
    }

    private static double[] sigmoid(float[] logits) {
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1 / (1 + Math.exp(-logits[i]));
        }
        return out;
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double auc(double[] scores, List<SelectionPair> pairs) {
        boolean[] truth = new boolean[pairs.size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = pairs.get(i).helps();
        }
        return RankingMetrics.rocAuc(scores, truth);
    }
}
