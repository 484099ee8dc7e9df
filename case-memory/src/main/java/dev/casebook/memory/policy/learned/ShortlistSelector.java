package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One selection problem of the learned policy: the shortlist, the network's logits for it and the similarity prior,
 * and how to draw K cases from it under {@link Exploration} and the quotas. {@link #select} may be called many times
 * (the selection itself, and the repetitions that estimate {@link InclusionPropensities}).
 */
final class ShortlistSelector {

    /** A logit's slope per unit of probability at one half: puts a LINEAR effect on the similarity prior's scale. */
    static final double LOGIT_PER_PROBABILITY = 4;

    private final List<Case> cases;
    private final float[] logits;
    private final double[] prior;
    private final CasePosterior[] posteriors;
    private final LocalEvidence.Tally[] evidence;
    private final ShownSetRegression regression;
    private final ShortlistClusters clusters;
    private final PolicySettings settings;
    /** Whether this selection is today's softmax over Q: a gate ({@link Exploration#gated()}) not yet opened. */
    private final boolean softmax;

    /** Each case's evidence is its global record (its uses and successes). */
    ShortlistSelector(List<Case> cases, float[] logits, double[] prior, PolicySettings settings) {
        this(cases, logits, prior, cases.stream().map(c -> new LocalEvidence.Tally(c.uses(), c.successes()))
                .toArray(LocalEvidence.Tally[]::new), settings);
    }

    /** Each case's evidence is {@code evidence} (its global or its local record). */
    ShortlistSelector(List<Case> cases, float[] logits, double[] prior, LocalEvidence.Tally[] evidence,
            PolicySettings settings) {
        this(cases, logits, prior, evidence, null, settings);
    }

    /**
     * As above, with the regression over the set shown that {@link Exploration.Kind#LINEAR} draws from (null for the
     * other kinds).
     */
    ShortlistSelector(List<Case> cases, float[] logits, double[] prior, LocalEvidence.Tally[] evidence,
            ShownSetRegression regression, PolicySettings settings) {
        this(cases, logits, prior, evidence, regression, null, settings);
    }

    /**
     * As above, with the clusters of the shortlist and their records ({@link Exploration#clusters()}; null without
     * them).
     */
    ShortlistSelector(List<Case> cases, float[] logits, double[] prior, LocalEvidence.Tally[] evidence,
            ShownSetRegression regression, ShortlistClusters clusters, PolicySettings settings) {
        if (settings.exploration().kind() == Exploration.Kind.LINEAR && regression == null) {
            throw new IllegalArgumentException("LINEAR exploration needs the regression over the set shown");
        }
        if (settings.exploration().clusters() && clusters == null) {
            throw new IllegalArgumentException("exploration over clusters needs the shortlist's clusters");
        }
        if (logits.length != cases.size() || prior.length != cases.size() || evidence.length != cases.size()) {
            throw new IllegalArgumentException("need one logit, prior and record per case: " + cases.size()
                    + " cases, " + logits.length + " logits, " + prior.length + " priors, " + evidence.length
                    + " records");
        }
        this.cases = List.copyOf(cases);
        this.logits = logits.clone();
        this.prior = prior.clone();
        this.settings = settings;
        this.evidence = evidence.clone();
        this.regression = regression;
        this.clusters = clusters;
        this.softmax = settings.exploration().kind() == Exploration.Kind.SOFTMAX
                || settings.exploration().gated() && !cases.isEmpty()
                && !clusters.misleads(clusters.clusterOf(0), settings.exploration().gate());
        this.posteriors = new CasePosterior[cases.size()];
        for (int i = 0; i < posteriors.length; i++) {
            posteriors[i] = CasePosterior.of(sigmoid(logits[i]), evidence[i].trials(), evidence[i].successes(),
                    settings.exploration().priorStrength());
        }
    }

    List<Case> cases() {
        return cases;
    }

    /**
     * The value of case {@code i} reported as the selected case's score: the network's probability under softmax,
     * the Beta posterior mean (of the case's own record) under Thompson sampling, UCB and LINEAR.
     */
    double value(int i) {
        return softmax ? sigmoid(logits[i]) : posteriors[i].mean();
    }

    /**
     * Whether this selection is the softmax over Q: under {@link Exploration#SOFTMAX}, or behind a gate that the most
     * similar case's cluster has not opened (its record near this task does not say it misleads).
     */
    boolean softmax() {
        return softmax;
    }

    /** K cases drawn with {@code random}, in the order drawn, with no bound on provisional cases. */
    List<SoftmaxChooser.Chosen> select(int k, Random random) {
        return select(k, Integer.MAX_VALUE, random);
    }

    /**
     * K cases drawn with {@code random}, in the order drawn, at most {@code maxProvisional} of them provisional. With
     * clusters, the cases of every cluster whose sampled effect is negative are left out first (fewer than K may
     * remain). Behind a gate that is not open ({@link #softmax()}), the softmax over Q as {@link Exploration#SOFTMAX}.
     */
    List<SoftmaxChooser.Chosen> select(int k, int maxProvisional, Random random) {
        if (softmax) {
            List<Candidate> candidates = new ArrayList<>(cases.size());
            for (int i = 0; i < cases.size(); i++) {
                candidates.add(new Candidate(cases.get(i), logits[i] + prior[i]));
            }
            return SoftmaxChooser.choose(candidates, k, settings.maxPositives(), settings.maxNegatives(),
                    maxProvisional, settings.temperature(), random);
        }
        Exploration exploration = settings.exploration();
        List<Candidate> candidates = new ArrayList<>(cases.size());
        double top = Arrays.stream(prior).max().orElse(0);
        double[] effects = exploration.kind() == Exploration.Kind.LINEAR
                ? regression.sampleEffects(exploration.strength(), random) : null;
        boolean[] excluded = clusters == null ? new boolean[cases.size()]
                : clusters.excluded(exploration.strength() * exploration.clusterSpread(), random);
        for (int i = 0; i < cases.size(); i++) {
            if (excluded[i]) {
                continue;
            }
            double score = switch (exploration.kind()) {
                case SOFTMAX -> logits[i];
                case THOMPSON -> CasePosterior.logit(posteriors[i].sample(exploration.strength(), random));
                case UCB -> CasePosterior.logit(posteriors[i].upper(exploration.strength()));
                case LINEAR -> LOGIT_PER_PROBABILITY * effects[i];
            };
            candidates.add(new Candidate(cases.get(i), score + exploration.fadedPrior(prior[i], evidence[i].trials(), top)));
        }
        double temperature = exploration.kind() == Exploration.Kind.SOFTMAX ? settings.temperature() : 0;
        return SoftmaxChooser.choose(candidates, k, settings.maxPositives(), settings.maxNegatives(), maxProvisional,
                temperature, random);
    }

    static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }
}
