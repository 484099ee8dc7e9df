package dev.casebook.memory.policy.learned;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Additive credit over the set of cases shown, on tasks near this one ({@link Exploration.Kind#LINEAR}): a
 * kernel-weighted Bayesian ridge regression of each near episode's reward on which shortlisted cases it showed,
 * {@code r ≈ b + Σ β_c} over the cases shown, with the prior {@code β_c ~ N(μ0_c, σ²/λ)}.
 *
 * <p>Why: a helpful case and a look-alike are nearly always shown together, so each one's own record (the successes
 * of the episodes that showed it) is the same mixture, about 0.5 in the simulator, and no per-case tally can tell
 * them apart. The same look-alike is shown with different companions in different episodes, and a regression over
 * the set shown attributes the difference between those episodes to the cases that differ: the look-alike's effect
 * and the helpful case's are estimated jointly, not each from the other's successes.
 *
 * <p>The episodes are the replay examples of the shortlisted cases ({@link ReplayBuffer#ofCase}), grouped by
 * {@link ReplayExample#episode()}; a case shown in an episode but not in the shortlist is not a feature (its effect
 * falls into the intercept and the noise). Each episode weighs its kernel ({@link LocalEvidence#kernel}) times its
 * example weight. The noise variance σ² is fixed at 1/4, a Bernoulli reward's largest.
 */
final class ShownSetRegression {

    /** The noise variance of a binary reward at its largest. */
    static final double NOISE_VARIANCE = 0.25;

    /** How many episodes the intercept's prior is worth: weak, the base rate is learned from the first episodes. */
    static final double INTERCEPT_PRIOR_STRENGTH = 0.1;

    /** Posterior mean: index 0 the intercept, {@code 1 + i} case i's effect. */
    private final double[] mean;

    /** Lower Cholesky factor L of the posterior precision (in units of 1/σ²), {@code A = L·Lᵀ}. */
    private final double[][] cholesky;

    private ShownSetRegression(double[] mean, double[][] cholesky) {
        this.mean = mean;
        this.cholesky = cholesky;
    }

    /**
     * Fits the regression for {@code state}.
     *
     * @param examplesByCase  each shortlisted case's replay examples (its newest, as {@link LocalEvidence} reads them)
     * @param kernelByEpisode the kernel weight of each episode, filled as it is computed (shared with the tallies)
     * @param priorMean       each case's prior effect μ0
     * @param interceptPrior  the intercept's prior mean
     * @param priorStrength   λ: how many episodes each case's prior is worth
     */
    static ShownSetRegression fit(float[] state, List<List<ReplayExample>> examplesByCase, LocalEvidence local,
            Map<Long, Double> kernelByEpisode, double[] priorMean, double interceptPrior, double priorStrength) {
        int n = examplesByCase.size();
        if (priorMean.length != n) {
            throw new IllegalArgumentException("need one prior mean per case: " + n + " cases, " + priorMean.length
                    + " prior means");
        }
        // Episodes far from this task (weight 0) are kept as null: looked up once, never added to the matrix.
        Map<Long, Episode> episodes = new LinkedHashMap<>();
        long single = -1;
        for (int i = 0; i < n; i++) {
            for (ReplayExample e : examplesByCase.get(i)) {
                // An example of no episode (read back from the log) was shown alone as far as the buffer knows.
                long key = e.episode() == ReplayExample.NO_EPISODE ? single-- : e.episode();
                if (!episodes.containsKey(key)) {
                    double weight = local.weight(e, state, kernelByEpisode);
                    episodes.put(key, weight == 0 ? null : new Episode(weight, e.reward() >= 0.5 ? 1 : 0, n));
                }
                Episode episode = episodes.get(key);
                if (episode != null) {
                    episode.add(1 + i);
                }
            }
        }
        int p = n + 1;
        double[][] precision = new double[p][p];
        double[] moment = new double[p];
        precision[0][0] = INTERCEPT_PRIOR_STRENGTH;
        moment[0] = INTERCEPT_PRIOR_STRENGTH * interceptPrior;
        for (int i = 0; i < n; i++) {
            precision[1 + i][1 + i] = priorStrength;
            moment[1 + i] = priorStrength * priorMean[i];
        }
        for (Episode episode : episodes.values()) {
            if (episode == null) {
                continue;
            }
            int[] shown = episode.withIntercept();
            for (int a : shown) {
                moment[a] += episode.weight * episode.reward;
                for (int b : shown) {
                    precision[a][b] += episode.weight;
                }
            }
        }
        double[][] l = cholesky(precision);
        return new ShownSetRegression(solveTransposed(l, solveLower(l, moment)), l);
    }

    /** The posterior mean of case {@code i}'s effect. */
    double effect(int i) {
        return mean[1 + i];
    }

    /** The posterior mean of the intercept: the success rate near here of a prompt whose cases have no effect. */
    double intercept() {
        return mean[0];
    }

    /**
     * One draw of every case's effect from the posterior, its distance from the mean scaled by {@code strength}
     * (0: the mean; 1: Thompson sampling).
     */
    double[] sampleEffects(double strength, RandomGenerator random) {
        int p = mean.length;
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
            z[i] = random.nextGaussian();
        }
        // β = mean + σ·L⁻ᵀ·z has covariance σ²·(L·Lᵀ)⁻¹, the posterior's.
        double[] deviation = solveTransposed(cholesky, z);
        double scale = strength * Math.sqrt(NOISE_VARIANCE);
        double[] effects = new double[p - 1];
        for (int i = 0; i < effects.length; i++) {
            effects[i] = mean[1 + i] + scale * deviation[1 + i];
        }
        return effects;
    }

    /** The lower Cholesky factor of a symmetric positive definite matrix. */
    private static double[][] cholesky(double[][] a) {
        int p = a.length;
        double[][] l = new double[p][p];
        for (int j = 0; j < p; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= l[j][k] * l[j][k];
            }
            l[j][j] = Math.sqrt(d);
            for (int i = j + 1; i < p; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = s / l[j][j];
            }
        }
        return l;
    }

    /** x with L·x = b. */
    private static double[] solveLower(double[][] l, double[] b) {
        double[] x = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** x with Lᵀ·x = b. */
    private static double[] solveTransposed(double[][] l, double[] b) {
        double[] x = new double[b.length];
        for (int i = b.length - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < b.length; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** A near episode: its weight, its reward and the features it showed. */
    private static final class Episode {

        final double weight;
        final double reward;
        private final int[] features;
        private int count;

        Episode(double weight, double reward, int cases) {
            this.weight = weight;
            this.reward = reward;
            this.features = new int[cases + 1];
        }

        void add(int feature) {
            features[count++] = feature;
        }

        /** The features shown, then the intercept's (0). */
        int[] withIntercept() {
            int[] shown = Arrays.copyOf(features, count + 1);
            shown[count] = 0;
            return shown;
        }
    }
}
