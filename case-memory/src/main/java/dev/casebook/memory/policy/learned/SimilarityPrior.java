package dev.casebook.memory.policy.learned;

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
        int width = PairFeatures.width(dimension);
        int index = PairFeatures.cosineIndex(dimension);
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            mean += features[i * width + index] / (double) rows;
        }
        double variance = 0;
        for (int i = 0; i < rows; i++) {
            double d = features[i * width + index] - mean;
            variance += d * d / rows;
        }
        double[] prior = new double[rows];
        double sd = Math.sqrt(variance);
        if (sd > 1e-6) {
            for (int i = 0; i < rows; i++) {
                prior[i] = weight * (features[i * width + index] - mean) / sd;
            }
        }
        return prior;
    }
}
