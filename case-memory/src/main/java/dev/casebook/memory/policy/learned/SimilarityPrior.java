package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.List;

/**
 * The learned policy's reference term: {@code weight} times each candidate's cosine similarity standardised over the
 * shortlist (minus the shortlist's mean, over its standard deviation). It is in logits per standard deviation of the
 * shortlist's similarities, so its strength does not depend on how an embedding model spreads its cosines.
 */
final class SimilarityPrior {

    private SimilarityPrior() {
    }

    /** The prior of each of {@code rows} {@link PairFeatures} rows; all zero when their cosines do not vary. */
    static double[] of(float[] features, int dimension, int rows, double weight) {
        return standardised(cosines(features, dimension, rows), weight);
    }

    /**
     * As {@link #of(float[], int, int, double)} for the rows of {@code cases}, the cosine of a
     * {@link Case#provisional() provisional} synthetic case multiplied by {@code syntheticPrior} first (the
     * similarity policy's discount of unconfirmed simulated practice, which the reference term keeps).
     */
    static double[] of(float[] features, int dimension, List<Case> cases, double syntheticPrior, double weight) {
        double[] cosines = cosines(features, dimension, cases.size());
        for (int i = 0; i < cosines.length; i++) {
            if (cases.get(i).provisional()) {
                cosines[i] *= syntheticPrior;
            }
        }
        return standardised(cosines, weight);
    }

    private static double[] cosines(float[] features, int dimension, int rows) {
        int width = PairFeatures.width(dimension);
        int index = PairFeatures.cosineIndex(dimension);
        double[] cosines = new double[rows];
        for (int i = 0; i < rows; i++) {
            cosines[i] = features[i * width + index];
        }
        return cosines;
    }

    private static double[] standardised(double[] cosines, double weight) {
        int rows = cosines.length;
        double mean = 0;
        for (double c : cosines) {
            mean += c / rows;
        }
        double variance = 0;
        for (double c : cosines) {
            variance += (c - mean) * (c - mean) / rows;
        }
        double[] prior = new double[rows];
        double sd = Math.sqrt(variance);
        if (sd > 1e-6) {
            for (int i = 0; i < rows; i++) {
                prior[i] = weight * (cosines[i] - mean) / sd;
            }
        }
        return prior;
    }
}
