package dev.casebook.memory.policy.learned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Ranking quality of scores against binary truth: ROC-AUC and precision at K. */
public final class RankingMetrics {

    private RankingMetrics() {
    }

    /**
     * ROC-AUC: the probability that a random positive scores above a random negative (ties count half), computed
     * from average ranks. Needs at least one positive and one negative.
     */
    public static double rocAuc(double[] scores, boolean[] truth) {
        if (scores.length != truth.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + truth.length + " labels");
        }
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                if (truth[order[t]]) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC-AUC needs both classes, got " + positives + " positives and "
                    + negatives + " negatives");
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Mean over groups (one group per query) of the fraction of true pairs among each group's {@code k} best-scored
     * pairs (fewer when the group is smaller). Ties are broken by position in the group.
     */
    public static double precisionAtK(List<double[]> groupScores, List<boolean[]> groupTruth, int k) {
        if (groupScores.size() != groupTruth.size() || groupScores.isEmpty()) {
            throw new IllegalArgumentException("need as many truth groups as score groups, and at least one");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, was " + k);
        }
        double sum = 0;
        for (int g = 0; g < groupScores.size(); g++) {
            double[] scores = groupScores.get(g);
            boolean[] truth = groupTruth.get(g);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]));
            int top = Math.min(k, order.size());
            int hits = 0;
            for (int i = 0; i < top; i++) {
                if (truth[order.get(i)]) {
                    hits++;
                }
            }
            sum += top == 0 ? 0 : (double) hits / top;
        }
        return sum / groupScores.size();
    }
}
