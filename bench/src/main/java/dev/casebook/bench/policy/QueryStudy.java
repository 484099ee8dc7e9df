package dev.casebook.bench.policy;

import dev.casebook.bench.policy.QueryFeatures.Group;
import dev.casebook.memory.policy.learned.RankingMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code policy-offline --query-features}: query-level success models on {@link QueryFeatures} (the wording of the
 * task, the labels of its nearest cases in the case bank, its candidates' similarities), chosen on the validation
 * split of {@link AucStudy} (same seed, same fitting / validation / held-out queries), never on held-out.
 *
 * <p>AgentFly's {@code truth_label} is the same for every case of a query, so each model scores a query and every
 * pair of the query gets its score; ROC-AUC is over pairs, as in the other rows of {@code policy-offline}. Variants:
 * the bank's positive share of the k nearest cases alone; L2 logistic regression on standardised features (per group
 * and all groups); gradient-boosted trees ({@link BoostedTrees}) on all groups. The variant of best validation
 * ROC-AUC is refitted on all training queries and scored once on held-out; so is, separately, the variant of best
 * mean ROC-AUC over {@link #FOLDS} folds of the training queries (a choice on 699 queries instead of 140).
 *
 * <p>The case bank is AgentFly's, and it holds many of the pair file's queries as cases. A task is never its own
 * neighbour, and the bank a score uses leaves out the tasks being scored: validation and held-out tasks while
 * choosing, the fold and held-out tasks in cross-validation, the held-out tasks when refitting (past tasks are in
 * the bank, the tasks being predicted are not).
 */
final class QueryStudy {

    static final double[] L2S = {1e-3, 1e-2, 1e-1, 1};
    static final int[] TREE_COUNTS = {25, 50, 100, 200, 400};
    static final int[] DEPTHS = {1, 2, 3};
    static final int[] MIN_LEAVES = {10, 30};
    static final double TREE_RATE = 0.05;
    static final int FOLDS = 5;
    private static final int LOGISTIC_STEPS = 1500;
    private static final double LOGISTIC_RATE = 0.5;

    /** A variant's validation and held-out ROC-AUC; the held-out column is never used to choose. */
    record Row(String variant, double validationAuc, double heldOutAuc) {
    }

    /**
     * {@code fullBankRefit}: the chosen variant refitted with the whole case bank, the held-out tasks' own cases
     * included (each query still leaves out its own text), for comparison only.
     */
    record Report(int fitQueries, int validationQueries, int heldOutQueries, List<Row> rows, Row chosen, Row refit,
            Row fullBankRefit, Row crossValidated, Row crossValidatedRefit) {

        /** The table; with {@code heldOut} false, held-out ROC-AUC is printed for the chosen variant only. */
        String format(boolean heldOut) {
            StringBuilder out = new StringBuilder();
            out.append(String.format("query-level study: %d fitting / %d validation / %d held-out queries%n",
                    fitQueries, validationQueries, heldOutQueries));
            out.append(String.format("%-56s %10s %10s%n", "variant", "val AUC", "held AUC"));
            for (Row row : rows) {
                out.append(String.format("%-56s %10.4f %10s%n", row.variant(), row.validationAuc(),
                        heldOut ? String.format("%.4f", row.heldOutAuc()) : "-"));
            }
            out.append("chosen (best validation ROC-AUC), fitted on the fitting queries:\n")
                    .append(String.format("%-56s %10.4f %10.4f%n", chosen.variant(), chosen.validationAuc(),
                            chosen.heldOutAuc()));
            out.append("chosen, refitted on all training queries, scored once on held-out:\n")
                    .append(String.format("%-56s %10s %10.4f%n", refit.variant(), "-", refit.heldOutAuc()))
                    .append(String.format("%-56s %10s %10.4f%n", fullBankRefit.variant(), "-",
                            fullBankRefit.heldOutAuc()));
            out.append(String.format("chosen by %d-fold cross-validation on the training queries (mean fold AUC),"
                    + " refitted on all training queries, scored once on held-out:%n", FOLDS))
                    .append(String.format("%-56s %10.4f %10s%n", crossValidated.variant(),
                            crossValidated.validationAuc(), "-"))
                    .append(String.format("%-56s %10s %10.4f%n", crossValidatedRefit.variant(), "-",
                            crossValidatedRefit.heldOutAuc()));
            return out.toString();
        }
    }

    /** A way to score queries, fitted on a set of queries. */
    private interface Model {
        Function<String, Double> fit(List<String> queries);
    }

    private final Map<String, double[]> features;
    private final Map<String, Boolean> solved;
    private final List<String> names;
    private final Map<List<Object>, BoostedTrees> fittedTrees = new java.util.HashMap<>();

    private QueryStudy(Map<String, double[]> features, Map<String, Boolean> solved, List<String> names) {
        this.features = features;
        this.solved = solved;
        this.names = names;
    }

    static Report run(List<SelectionPair> train, List<SelectionPair> heldOut, Set<String> validationQueries,
            List<BankCase> bank, Map<String, float[]> vectors, long seed) {
        Map<String, List<SelectionPair>> byQuery = new LinkedHashMap<>();
        for (List<SelectionPair> list : List.of(train, heldOut)) {
            for (SelectionPair p : list) {
                byQuery.computeIfAbsent(p.query(), q -> new ArrayList<>()).add(p);
            }
        }
        Set<String> heldOutQueries = Set.copyOf(distinct(heldOut));
        Set<String> evaluationQueries = new java.util.HashSet<>(heldOutQueries);
        evaluationQueries.addAll(validationQueries);
        // choosing: the bank without the validation and held-out tasks; refitting: without the held-out tasks
        QueryStudy study = of(byQuery, without(bank, evaluationQueries), vectors);
        QueryStudy refitStudy = of(byQuery, without(bank, heldOutQueries), vectors);
        QueryStudy fullBank = of(byQuery, bank, vectors);
        List<String> trainQueries = distinct(train);
        List<String> fit = trainQueries.stream().filter(q -> !validationQueries.contains(q)).toList();
        List<SelectionPair> validation = train.stream().filter(p -> validationQueries.contains(p.query())).toList();

        Map<String, Model> variants = study.variants();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Model> v : variants.entrySet()) {
            Function<String, Double> scorer = v.getValue().fit(fit);
            rows.add(new Row(v.getKey(), auc(scorer, validation), auc(scorer, heldOut)));
        }
        Row chosen = rows.stream().max(Comparator.comparingDouble(Row::validationAuc)).orElseThrow();
        Row refit = new Row("refit: " + chosen.variant(), Double.NaN,
                auc(refitStudy.variants().get(chosen.variant()).fit(trainQueries), heldOut));
        Row fullBankRefit = new Row("refit, full bank (held-out tasks' cases kept)", Double.NaN,
                auc(fullBank.variants().get(chosen.variant()).fit(trainQueries), heldOut));
        Row crossValidated = crossValidated(byQuery, bank, vectors, train, heldOutQueries, seed);
        Row crossValidatedRefit = new Row("refit: " + crossValidated.variant(), Double.NaN,
                auc(refitStudy.variants().get(crossValidated.variant()).fit(trainQueries), heldOut));
        return new Report(fit.size(), validationQueries.size(), heldOutQueries.size(), rows, chosen, refit,
                fullBankRefit, crossValidated, crossValidatedRefit);
    }

    /**
     * The variant of best mean ROC-AUC over {@link #FOLDS} folds of the training queries (shuffled with
     * {@code seed + 2}); each fold is scored with a bank that leaves out its own and the held-out tasks. The row's
     * validation column is that mean; its held-out column is NaN (only the refit is scored on held-out).
     */
    private static Row crossValidated(Map<String, List<SelectionPair>> byQuery, List<BankCase> bank,
            Map<String, float[]> vectors, List<SelectionPair> train, Set<String> heldOutQueries, long seed) {
        List<String> shuffled = new ArrayList<>(distinct(train));
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed + 2));
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int f = 0; f < FOLDS; f++) {
            Set<String> fold = Set.copyOf(shuffled.subList(f * shuffled.size() / FOLDS,
                    (f + 1) * shuffled.size() / FOLDS));
            Set<String> leftOut = new java.util.HashSet<>(fold);
            leftOut.addAll(heldOutQueries);
            QueryStudy study = of(byQuery, without(bank, leftOut), vectors);
            List<String> fit = shuffled.stream().filter(q -> !fold.contains(q)).toList();
            List<SelectionPair> scored = train.stream().filter(p -> fold.contains(p.query())).toList();
            study.variants().forEach((name, model) -> sums.merge(name, auc(model.fit(fit), scored), Double::sum));
        }
        Map.Entry<String, Double> best = sums.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return new Row(best.getKey(), best.getValue() / FOLDS, Double.NaN);
    }

    /** The bank without the cases whose text is one of {@code tasks}. */
    private static List<BankCase> without(List<BankCase> bank, Set<String> tasks) {
        return bank.stream().filter(c -> !tasks.contains(c.text())).toList();
    }

    private static QueryStudy of(Map<String, List<SelectionPair>> byQuery, List<BankCase> bank,
            Map<String, float[]> vectors) {
        List<Group> groups = List.of(Group.values());
        QueryFeatures queryFeatures = new QueryFeatures(bank, vectors);
        Map<String, double[]> features = new LinkedHashMap<>();
        Map<String, Boolean> solved = new LinkedHashMap<>();
        byQuery.forEach((query, candidates) -> {
            features.put(query, queryFeatures.of(query, vectors.get(query), candidates, vectors, groups));
            solved.put(query, candidates.get(0).helps());
        });
        return new QueryStudy(features, solved, QueryFeatures.names(groups));
    }

    /** Every variant by name, in the order tried. */
    private Map<String, Model> variants() {
        Map<String, Model> variants = new LinkedHashMap<>();
        for (int k : QueryFeatures.BANK_KS) {
            int column = names.indexOf("bank positive share k=" + k);
            variants.put("bank positive share k=" + k, queries -> q -> features.get(q)[column]);
        }
        Map<String, int[]> groupColumns = new LinkedHashMap<>();
        for (Group g : Group.values()) {
            groupColumns.put(g.name().toLowerCase(Locale.ROOT), columns(QueryFeatures.names(List.of(g))));
        }
        groupColumns.put("surface+bank", columns(QueryFeatures.names(List.of(Group.SURFACE, Group.BANK))));
        groupColumns.put("all", columns(names));
        groupColumns.forEach((group, cols) -> {
            for (double l2 : L2S) {
                variants.put(String.format("logistic on %s, L2=%.0e", group, l2), queries -> logistic(queries, cols, l2));
            }
        });
        for (String group : List.of("surface+bank", "all")) {
            int[] cols = groupColumns.get(group);
            for (int depth : DEPTHS) {
                for (int minLeaf : MIN_LEAVES) {
                    for (int trees : TREE_COUNTS) {
                        BoostedTrees.Settings s = new BoostedTrees.Settings(trees, depth, minLeaf, TREE_RATE);
                        variants.put(String.format("boosted trees on %s, depth %d, leaf %d, %d trees", group, depth,
                                minLeaf, trees), queries -> trees(queries, cols, s));
                    }
                }
            }
        }
        return variants;
    }

    private int[] columns(List<String> wanted) {
        return wanted.stream().mapToInt(names::indexOf).toArray();
    }

    private double[][] matrix(List<String> queries, int[] cols) {
        double[][] x = new double[queries.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = select(features.get(queries.get(i)), cols);
        }
        return x;
    }

    private static double[] select(double[] row, int[] cols) {
        double[] out = new double[cols.length];
        for (int j = 0; j < cols.length; j++) {
            out[j] = row[cols[j]];
        }
        return out;
    }

    private boolean[] labels(List<String> queries) {
        boolean[] y = new boolean[queries.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = solved.get(queries.get(i));
        }
        return y;
    }

    /** Fits the largest tree count once per (queries, columns, depth, leaf) and scores with the first trees. */
    private Function<String, Double> trees(List<String> queries, int[] cols, BoostedTrees.Settings settings) {
        List<Object> key = List.of(queries, java.util.Arrays.toString(cols), settings.depth(), settings.minLeaf());
        BoostedTrees model = fittedTrees.computeIfAbsent(key, k -> BoostedTrees.fit(matrix(queries, cols),
                labels(queries), new BoostedTrees.Settings(TREE_COUNTS[TREE_COUNTS.length - 1], settings.depth(),
                        settings.minLeaf(), settings.rate())));
        return q -> model.score(select(features.get(q), cols), settings.trees());
    }

    /** L2 logistic regression on features standardised with the fitting queries' means and deviations. */
    private Function<String, Double> logistic(List<String> queries, int[] cols, double l2) {
        double[][] x = matrix(queries, cols);
        boolean[] y = labels(queries);
        int d = cols.length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / x.length;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = sd[j] > 1e-12 ? Math.sqrt(sd[j]) : 1;
        }
        double[][] z = new double[x.length][d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / sd[j];
            }
        }
        double[] w = new double[d + 1];
        for (int step = 0; step < LOGISTIC_STEPS; step++) {
            double[] grad = new double[d + 1];
            for (int i = 0; i < z.length; i++) {
                double error = 1 / (1 + Math.exp(-dot(w, z[i]))) - (y[i] ? 1 : 0);
                for (int j = 0; j < d; j++) {
                    grad[j] += error * z[i][j];
                }
                grad[d] += error;
            }
            for (int j = 0; j <= d; j++) {
                w[j] -= LOGISTIC_RATE * (grad[j] / z.length + (j < d ? l2 * w[j] : 0));
            }
        }
        return q -> {
            double[] row = select(features.get(q), cols);
            double[] s = new double[d];
            for (int j = 0; j < d; j++) {
                s[j] = (row[j] - mean[j]) / sd[j];
            }
            return dot(w, s);
        };
    }

    /** {@code w · x + bias}, the bias last in {@code w}. */
    private static double dot(double[] w, double[] x) {
        double z = w[x.length];
        for (int j = 0; j < x.length; j++) {
            z += w[j] * x[j];
        }
        return z;
    }

    private static List<String> distinct(List<SelectionPair> pairs) {
        return List.copyOf(new java.util.LinkedHashSet<>(pairs.stream().map(SelectionPair::query).toList()));
    }

    private static double auc(Function<String, Double> scorer, List<SelectionPair> pairs) {
        double[] scores = new double[pairs.size()];
        boolean[] truth = new boolean[pairs.size()];
        Map<String, Double> cache = new LinkedHashMap<>();
        for (int i = 0; i < scores.length; i++) {
            scores[i] = cache.computeIfAbsent(pairs.get(i).query(), scorer);
            truth[i] = pairs.get(i).helps();
        }
        return RankingMetrics.rocAuc(scores, truth);
    }
}
