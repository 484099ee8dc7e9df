package dev.casebook.bench;

/**
 * Whether the misses of a top-k answer are near-ties: ANN-benchmarks' "epsilon recall". With {@code d_k} the true
 * distance of the exact k-th nearest case (cosine distance, 1 - cosine similarity) and a tolerance {@code eps}, a
 * returned case counts when its true distance is at most {@code (1 + eps) d_k}; the figure is the count over
 * {@code k}. It is at least recall@k (every true top-k case counts) and equals it when no other case lies that close;
 * a high epsilon recall beside a low recall@k says the cases missed were swapped for others about as near. Beside it,
 * {@link #within} counts the cases that lie within {@code (1 + eps) d_k}, the true top k among them: how crowded
 * the k-th place is, which no search can be expected to order exactly.
 */
final class EpsilonRecall {
    /** The tolerance reported beside recall@10. */
    static final double EPS = 0.01;

    private EpsilonRecall() {
    }

    /**
     * The fraction of {@code k} places filled by a case at most {@code (1 + eps) kthDistance} away;
     * {@code hitDistances}: the true distances of the cases returned (a short answer leaves places empty).
     */
    static double of(double[] hitDistances, double kthDistance, int k, double eps) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, was " + k);
        }
        double threshold = (1 + eps) * kthDistance;
        int counted = 0;
        for (int i = 0; i < Math.min(k, hitDistances.length); i++) {
            if (hitDistances[i] <= threshold) {
                counted++;
            }
        }
        return counted / (double) k;
    }

    /** How many of {@code distances} (those of every candidate case) are at most {@code (1 + eps) kthDistance}. */
    static int within(double[] distances, double kthDistance, double eps) {
        double threshold = (1 + eps) * kthDistance;
        int count = 0;
        for (double d : distances) {
            if (d <= threshold) {
                count++;
            }
        }
        return count;
    }
}
