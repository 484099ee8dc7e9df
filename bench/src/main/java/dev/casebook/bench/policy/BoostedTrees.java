package dev.casebook.bench.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient-boosted regression trees for a binary label (logistic loss), in plain Java: each tree is fitted to the
 * gradient of the loss by exhaustive best-split search (squared-error reduction) to a maximum depth, its leaves take
 * the Newton step {@code Σ(y − p) / Σ p(1 − p)}, shrunk by the learning rate. Deterministic (no subsampling).
 */
final class BoostedTrees {

    /** @param depth maximum depth, @param minLeaf fewest rows in a leaf, @param rate shrinkage of each tree */
    record Settings(int trees, int depth, int minLeaf, double rate) {
        Settings {
            if (trees < 1 || depth < 1 || minLeaf < 1 || !(rate > 0 && rate <= 1)) {
                throw new IllegalArgumentException("trees, depth, minLeaf must be >= 1 and rate within (0, 1]");
            }
        }
    }

    /** A node: a leaf when {@code feature < 0}. */
    private record Node(int feature, double threshold, Node left, Node right, double value) {
        double predict(double[] x) {
            if (feature < 0) {
                return value;
            }
            return x[feature] <= threshold ? left.predict(x) : right.predict(x);
        }
    }

    private final double base;
    private final List<Node> trees;
    private final double rate;

    private BoostedTrees(double base, List<Node> trees, double rate) {
        this.base = base;
        this.trees = trees;
        this.rate = rate;
    }

    static BoostedTrees fit(double[][] x, boolean[] y, Settings settings) {
        int n = x.length;
        double positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        double prior = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
        double base = Math.log(prior / (1 - prior));
        double[] f = new double[n];
        Arrays.fill(f, base);
        List<Node> trees = new ArrayList<>();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (int t = 0; t < settings.trees(); t++) {
            double[] gradient = new double[n];
            double[] hessian = new double[n];
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-f[i]));
                gradient[i] = (y[i] ? 1 : 0) - p;
                hessian[i] = p * (1 - p);
            }
            Node tree = grow(x, gradient, hessian, all, settings.depth(), settings.minLeaf());
            trees.add(tree);
            for (int i = 0; i < n; i++) {
                f[i] += settings.rate() * tree.predict(x[i]);
            }
        }
        return new BoostedTrees(base, trees, settings.rate());
    }

    /** The logit after the first {@code count} trees. */
    double score(double[] x, int count) {
        double f = base;
        for (int t = 0; t < Math.min(count, trees.size()); t++) {
            f += rate * trees.get(t).predict(x);
        }
        return f;
    }

    double score(double[] x) {
        return score(x, trees.size());
    }

    private static Node grow(double[][] x, double[] g, double[] h, int[] rows, int depth, int minLeaf) {
        double sumG = 0;
        double sumH = 0;
        for (int i : rows) {
            sumG += g[i];
            sumH += h[i];
        }
        double leaf = sumG / (sumH + 1e-9);
        if (depth == 0 || rows.length < 2 * minLeaf) {
            return new Node(-1, 0, null, null, leaf);
        }
        int bestFeature = -1;
        double bestThreshold = 0;
        double bestGain = 1e-12;
        double parentScore = sumG * sumG / rows.length;
        Integer[] order = new Integer[rows.length];
        for (int feature = 0; feature < x[0].length; feature++) {
            for (int j = 0; j < rows.length; j++) {
                order[j] = rows[j];
            }
            final int ft = feature;
            Arrays.sort(order, (a, b) -> Double.compare(x[a][ft], x[b][ft]));
            double leftG = 0;
            for (int j = 0; j < rows.length - 1; j++) {
                leftG += g[order[j]];
                int leftCount = j + 1;
                if (leftCount < minLeaf || rows.length - leftCount < minLeaf
                        || x[order[j]][feature] == x[order[j + 1]][feature]) {
                    continue;
                }
                double rightG = sumG - leftG;
                double gain = leftG * leftG / leftCount + rightG * rightG / (rows.length - leftCount) - parentScore;
                if (gain > bestGain) {
                    bestGain = gain;
                    bestFeature = feature;
                    bestThreshold = (x[order[j]][feature] + x[order[j + 1]][feature]) / 2;
                }
            }
        }
        if (bestFeature < 0) {
            return new Node(-1, 0, null, null, leaf);
        }
        final int bf = bestFeature;
        final double bt = bestThreshold;
        int[] left = Arrays.stream(rows).filter(i -> x[i][bf] <= bt).toArray();
        int[] right = Arrays.stream(rows).filter(i -> x[i][bf] > bt).toArray();
        return new Node(bf, bt, grow(x, g, h, left, depth - 1, minLeaf), grow(x, g, h, right, depth - 1, minLeaf),
                leaf);
    }
}
