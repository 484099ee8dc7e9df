package dev.casebook.memory.policy.learned;

import java.util.random.RandomGenerator;

/**
 * A case's value as a Beta posterior: the prior is the network's success probability {@code p} worth
 * {@code priorStrength} pseudo-episodes ({@code Beta(n0·p, n0·(1−p))}), the evidence is the case's uses and
 * successes (global counts, or a kernel-weighted local record: {@link LocalEvidence}). Its mean and spread feed {@link Exploration.Kind#THOMPSON} and {@link Exploration.Kind#UCB}.
 */
record CasePosterior(double alpha, double beta) {

    private static final double EDGE = 1e-4;

    static CasePosterior of(double networkProbability, double uses, double successes, double priorStrength) {
        double p = Math.clamp(networkProbability, EDGE, 1 - EDGE);
        return new CasePosterior(priorStrength * p + successes, priorStrength * (1 - p) + (uses - successes));
    }

    double mean() {
        return alpha / (alpha + beta);
    }

    double sd() {
        double n = alpha + beta;
        return Math.sqrt(alpha * beta / (n * n * (n + 1)));
    }

    /** {@code mean + strength · sd}, kept inside (0, 1). */
    double upper(double strength) {
        return Math.clamp(mean() + strength * sd(), EDGE, 1 - EDGE);
    }

    /** A draw from the posterior, its distance from the mean scaled by {@code strength}, kept inside (0, 1). */
    double sample(double strength, RandomGenerator random) {
        double x = gamma(alpha, random);
        double y = gamma(beta, random);
        double draw = x + y == 0 ? mean() : x / (x + y);
        return Math.clamp(mean() + strength * (draw - mean()), EDGE, 1 - EDGE);
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /** Marsaglia and Tsang's method; shapes below 1 by the boost {@code Gamma(a+1) · U^(1/a)}. */
    static double gamma(double shape, RandomGenerator random) {
        if (shape < 1) {
            return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
