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
 *   <li>{@link Kind#LINEAR}: additive credit over the set shown ({@link ShownSetRegression}): each case's effect on
 *       the reward of near episodes is estimated jointly with the cases shown beside it, one vector of effects is
 *       drawn from the Gaussian posterior (its spread scaled by {@code strength}), and the K best by
 *       {@code 4 · effect + prior} are taken (4: a logit's slope per unit of probability at one half). The prior
 *       effect is the network's probability less the shortlist's mean, worth {@code priorStrength} episodes. Needs
 *       local records ({@link LocalEvidence#localRecords()}): the episodes are the shortlisted cases' replay
 *       examples.</li>
 * </ul>
 *
 * <p>With a {@link Fade}, a case's similarity prior fades as its own evidence grows, with share
 * {@code n0 / (n0 + uses)} ({@code n0 = priorStrength}) towards a target: 0 ({@link Fade#TO_ZERO}), or the shortlist's
 * highest prior ({@link Fade#TO_TOP}: a case with a record is ranked as if it were the most similar, so its record
 * competes with the look-alikes' records, not with their similarity, while cases nobody tried keep their own, lower,
 * prior). Similarity then decides among cases nobody has tried, and a case's record, once it has one, is no longer
 * outweighed by a look-alike's higher similarity.
 *
 * <p>With {@code local} records ({@link LocalEvidence}), the evidence of the posterior and the uses that fade the prior
 * are a case's record on tasks near this one (kernel-weighted replay examples) rather than its global counts; with
 * added candidates, cases that succeeded on near tasks join the shortlist.
 *
 * <p>With a {@code clusterThreshold} (needs local records), the shortlist is first grouped into tight clusters by the
 * cases' vectors and every cluster whose sampled effect on near episodes is negative is left out before the rule
 * draws its K ({@link ShortlistClusters}): a whole group of look-alikes can be left out as one choice.
 *
 * @param kind          the rule
 * @param strength      the knob for how much to explore: the scale of the posterior's spread (THOMPSON, UCB);
 *                      ignored by SOFTMAX, whose knob is the temperature
 * @param priorStrength how many episodes the network's estimate is worth against a case's own evidence
 * @param fade          whether and towards what the similarity prior fades with a case's uses (above)
 * @param local         where a case's evidence comes from and what joins the shortlist; {@link LocalEvidence#OFF}:
 *                      the global record, the store's shortlist
 * @param clusterThreshold the cosine at which a case joins a cluster's leader, within (0, 1]; 0: no clusters
 * @param withoutPrior  the prior mean of a cluster's "not shown" record ({@link ShortlistClusters}), within (0, 1),
 *                      worth {@code priorStrength} episodes; 1/2 (its "shown" record's prior) unless chosen lower,
 *                      so that a cluster with a good record is left out less often while "without it" is unknown
 * @param clusterSpread the spread of a cluster's sampled effect relative to {@code strength}, {@code >= 0}: 1 draws
 *                      clusters as widely as cases; less leaves a cluster out only when its record is clearly
 *                      worse than the prior of "not shown" (0: the means)
 * @param gate          with clusters, a gate in [0, 1): 0, none (clusters are explored at every selection); above 0,
 *                      the selection is today's softmax over Q (as {@link #SOFTMAX}, with the policy's temperature)
 *                      until the record of the most similar case's cluster near this task says that cluster misleads:
 *                      its posterior mean effect (success with it less success without it) below {@code −gate}. Only
 *                      then are clusters left out and the rule's draws made. Similarity is exploited where it works,
 *                      and explored away from only where the evidence says it does not
 */
public record Exploration(Kind kind, double strength, double priorStrength, Fade fade, LocalEvidence local,
        double clusterThreshold, double withoutPrior, double clusterSpread, double gate) {

    /** The prior mean of both sides of a cluster's record unless {@link #withoutPrior} is chosen lower. */
    public static final double NEUTRAL_PRIOR = 0.5;

    /** The exploration rule. */
    public enum Kind { SOFTMAX, THOMPSON, UCB, LINEAR }

    /** How a case's similarity prior fades as its evidence grows (above). */
    public enum Fade { NONE, TO_ZERO, TO_TOP }

    /** Today's softmax over Q with the policy's temperature. */
    public static final Exploration SOFTMAX = new Exploration(Kind.SOFTMAX, 0, 1, Fade.NONE, LocalEvidence.OFF, 0,
            NEUTRAL_PRIOR, 1, 0);

    public Exploration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fade, "fade");
        Objects.requireNonNull(local, "local");
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new IllegalArgumentException("exploration strength must be finite and >= 0, was " + strength);
        }
        if (!(priorStrength > 0) || Double.isInfinite(priorStrength)) {
            throw new IllegalArgumentException("priorStrength must be finite and > 0, was " + priorStrength);
        }
        if (kind == Kind.LINEAR && !local.localRecords()) {
            throw new IllegalArgumentException("LINEAR exploration needs local records (perCase > 0)");
        }
        if (!(clusterThreshold >= 0 && clusterThreshold <= 1)) {
            throw new IllegalArgumentException("clusterThreshold must be within [0, 1], was " + clusterThreshold);
        }
        if (!(withoutPrior > 0 && withoutPrior < 1)) {
            throw new IllegalArgumentException("withoutPrior must be within (0, 1), was " + withoutPrior);
        }
        if (!(clusterSpread >= 0) || Double.isInfinite(clusterSpread)) {
            throw new IllegalArgumentException("clusterSpread must be finite and >= 0, was " + clusterSpread);
        }
        if (clusterThreshold > 0 && !local.localRecords()) {
            throw new IllegalArgumentException("exploration over clusters needs local records (perCase > 0)");
        }
        if (!(gate >= 0 && gate < 1)) {
            throw new IllegalArgumentException("gate must be within [0, 1), was " + gate);
        }
        if (gate > 0 && clusterThreshold == 0) {
            throw new IllegalArgumentException("a gate needs exploration over clusters (clusterThreshold > 0)");
        }
    }

    public static Exploration thompson(double strength, double priorStrength) {
        return new Exploration(Kind.THOMPSON, strength, priorStrength, Fade.NONE, LocalEvidence.OFF, 0,
                NEUTRAL_PRIOR, 1, 0);
    }

    public static Exploration ucb(double strength, double priorStrength) {
        return new Exploration(Kind.UCB, strength, priorStrength, Fade.NONE, LocalEvidence.OFF, 0,
                NEUTRAL_PRIOR, 1, 0);
    }

    /** Linear Thompson sampling over the set shown, on the episodes of {@code local} records. */
    public static Exploration linear(double strength, double priorStrength, LocalEvidence local) {
        return new Exploration(Kind.LINEAR, strength, priorStrength, Fade.NONE, local, 0, NEUTRAL_PRIOR, 1, 0);
    }

    /** This rule with the similarity prior fading to 0 as a case's evidence grows. */
    public Exploration withFadingPrior() {
        return withFade(Fade.TO_ZERO);
    }

    /** This rule with the similarity prior fading as a case's evidence grows, towards {@code fade}'s target. */
    public Exploration withFade(Fade fade) {
        return new Exploration(kind, strength, priorStrength, fade, local, clusterThreshold, withoutPrior,
                clusterSpread, gate);
    }

    /** This rule with evidence from {@code local}. */
    public Exploration withLocalEvidence(LocalEvidence local) {
        return new Exploration(kind, strength, priorStrength, fade, local, clusterThreshold, withoutPrior,
                clusterSpread, gate);
    }

    /** This rule leaving out clusters of the shortlist (cases at cosine ≥ {@code threshold} of their leader). */
    public Exploration withClusters(double threshold) {
        return new Exploration(kind, strength, priorStrength, fade, local, threshold, withoutPrior, clusterSpread,
                gate);
    }

    /** This rule with the prior mean of a cluster's "not shown" record at {@code withoutPrior} (see above). */
    public Exploration withWithoutPrior(double withoutPrior) {
        return new Exploration(kind, strength, priorStrength, fade, local, clusterThreshold, withoutPrior,
                clusterSpread, gate);
    }

    /** This rule drawing a cluster's effect with {@code clusterSpread} times the cases' spread (see above). */
    public Exploration withClusterSpread(double clusterSpread) {
        return new Exploration(kind, strength, priorStrength, fade, local, clusterThreshold, withoutPrior,
                clusterSpread, gate);
    }

    /**
     * This rule exploring clusters only once the most similar case's cluster misleads near the task (its mean effect
     * below {@code −gate}), today's softmax over Q before (see above).
     */
    public Exploration withGate(double gate) {
        return new Exploration(kind, strength, priorStrength, fade, local, clusterThreshold, withoutPrior,
                clusterSpread, gate);
    }

    /** Whether selections use softmax over Q until the most similar cluster is shown to mislead. */
    public boolean gated() {
        return gate > 0;
    }

    /** Whether clusters of the shortlist are explored as groups. */
    public boolean clusters() {
        return clusterThreshold > 0;
    }

    /** The share of its similarity prior a case with {@code uses} (possibly weighted) keeps: 1 unless it fades. */
    private double priorShare(double uses) {
        return fade == Fade.NONE ? 1 : priorStrength / (priorStrength + uses);
    }

    /** The similarity prior a case with {@code uses} has, {@code top} the shortlist's highest prior. */
    double fadedPrior(double prior, double uses, double top) {
        double share = priorShare(uses);
        return share * prior + (1 - share) * (fade == Fade.TO_TOP ? top : 0);
    }
}
