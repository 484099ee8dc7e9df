package dev.casebook.memory.policy.learned;

import java.util.Objects;

/**
 * How the learned policy explores. Every kind ranks the shortlist by a value term plus the similarity prior
 * ({@code similarityWeight · z}); they differ in the value term and in how K cases are drawn:
 *
 * <ul>
 *   <li>{@link Kind#SOFTMAX}: the value term is the network's logit Q, and K cases are drawn by softmax with the
 *       policy's temperature (the first version of this policy).</li>
 *   <li>{@link Kind#THOMPSON}: each case's value is a Beta posterior ({@link CasePosterior}) whose prior is the
 *       network's probability σ(Q) worth {@code priorStrength} pseudo-episodes and whose evidence is the case's uses
 *       and successes; a value is sampled per case and the K best by {@code logit(sample) + prior} are taken. The
 *       sample's spread around the posterior mean is scaled by {@code strength} (0: the posterior mean, greedy;
 *       1: Thompson sampling; more: wider).</li>
 *   <li>{@link Kind#UCB}: the same posterior, ranked greedily by {@code logit(mean + strength · sd)}: deterministic
 *       optimism where the evidence is thin.</li>
 * </ul>
 *
 * <p>With {@code fadingPrior}, a case's similarity prior fades as its own evidence grows:
 * {@code similarityWeight · z · n0 / (n0 + uses)} with {@code n0 = priorStrength}. Similarity then decides among
 * cases nobody has tried, and a case's record, once it has one, is no longer outweighed by a look-alike's higher
 * similarity.
 *
 * @param kind          the rule
 * @param strength      the knob for how much to explore: the scale of the posterior's spread (THOMPSON, UCB);
 *                      ignored by SOFTMAX, whose knob is the temperature
 * @param priorStrength how many episodes the network's estimate is worth against a case's own evidence
 * @param fadingPrior   whether the similarity prior fades with a case's uses (above)
 */
public record Exploration(Kind kind, double strength, double priorStrength, boolean fadingPrior) {

    /** The exploration rule. */
    public enum Kind { SOFTMAX, THOMPSON, UCB }

    /** Today's softmax over Q with the policy's temperature. */
    public static final Exploration SOFTMAX = new Exploration(Kind.SOFTMAX, 0, 1, false);

    public Exploration {
        Objects.requireNonNull(kind, "kind");
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new IllegalArgumentException("exploration strength must be finite and >= 0, was " + strength);
        }
        if (!(priorStrength > 0) || Double.isInfinite(priorStrength)) {
            throw new IllegalArgumentException("priorStrength must be finite and > 0, was " + priorStrength);
        }
    }

    public static Exploration thompson(double strength, double priorStrength) {
        return new Exploration(Kind.THOMPSON, strength, priorStrength, false);
    }

    public static Exploration ucb(double strength, double priorStrength) {
        return new Exploration(Kind.UCB, strength, priorStrength, false);
    }

    /** This rule with the similarity prior fading as a case's evidence grows. */
    public Exploration withFadingPrior() {
        return new Exploration(kind, strength, priorStrength, true);
    }

    /** The share of its similarity prior a case with {@code uses} keeps: 1 unless the prior fades. */
    double priorShare(int uses) {
        return fadingPrior ? priorStrength / (priorStrength + uses) : 1;
    }
}
