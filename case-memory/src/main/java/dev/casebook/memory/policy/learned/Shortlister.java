package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the {@link LearnedPolicy} chooses from for a task: the shortlist (the store's most similar cases, with cases
 * added by value), the network's features of it, and the selection problem over it ({@link ShortlistSelector}: each
 * case's record, the regression over the set shown, the shortlist's clusters), read from the replay buffer under the
 * policy's {@link Exploration}.
 */
final class Shortlister {

    private final CaseRetriever retriever;
    private final PolicySettings settings;
    private final ReplayBuffer buffer;
    /** With {@link Exploration#clusters()}: the clustering of shortlists, keeping the pairs it compared. */
    private final LeaderClustering clustering;

    Shortlister(CaseRetriever retriever, PolicySettings settings, ReplayBuffer buffer) {
        this.retriever = retriever;
        this.settings = settings;
        this.buffer = buffer;
        this.clustering = settings.exploration().clusters()
                ? new LeaderClustering(settings.exploration().clusterThreshold()) : null;
    }

    /**
     * The cases the policy chooses from for {@code state}: the store's {@link PolicySettings#candidates()} most similar
     * cases the filter admits, refuted ones left out (as in the similarity policy), then, with
     * {@link LocalEvidence#addedCandidates()}, the cases that succeeded on tasks near this one (by kernel-weighted
     * successes among the replay buffer's newest examples) that the store's shortlist missed; none are added unless
     * {@code learning}.
     */
    List<Case> shortlist(float[] state, CaseFilter filter, boolean learning) {
        List<Case> similar = retriever.search(new VectorQuery(state, filter, settings.candidates())).stream()
                .map(ScoredCase::value).filter(c -> !c.refuted()).toList();
        LocalEvidence local = settings.exploration().local();
        if (local.addedCandidates() == 0 || !learning) {
            return similar;
        }
        Set<UUID> listed = new HashSet<>();
        similar.forEach(c -> listed.add(c.id()));
        Map<UUID, Double> nearSuccesses = new HashMap<>();
        for (ReplayExample e : buffer.newest(LocalEvidence.CANDIDATE_SCAN)) {
            if (e.reward() >= 0.5 && e.tenant().equals(filter.tenant()) && !listed.contains(e.caseId())) {
                nearSuccesses.merge(e.caseId(), local.kernel(e.cosineTo(state)) * e.weight(), Double::sum);
            }
        }
        List<Case> cases = new ArrayList<>(similar);
        nearSuccesses.entrySet().stream()
                .filter(e -> e.getValue() >= LocalEvidence.MIN_ADDED_SUCCESSES)
                .sorted(Map.Entry.<UUID, Double>comparingByValue().reversed())
                .map(e -> retriever.get(filter.tenant(), e.getKey()))
                .flatMap(Optional::stream)
                .filter(c -> filter.admits(c) && !c.refuted())
                .limit(local.addedCandidates())
                .forEach(cases::add);
        return cases;
    }

    /**
     * The selection problem for {@code state}: each case's record (on tasks near {@code state} with local evidence,
     * else its global uses and successes), for {@link Exploration.Kind#LINEAR} the regression over the set shown
     * fitted on the same examples, and with {@link Exploration#clusters()} the shortlist's clusters and their records
     * on the same examples.
     */
    ShortlistSelector selector(float[] state, List<Case> cases, List<float[]> caseVectors, float[] logits,
            double[] prior) {
        LocalEvidence local = settings.exploration().local();
        LocalEvidence.Tally[] evidence = new LocalEvidence.Tally[cases.size()];
        List<List<ReplayExample>> examples = new ArrayList<>(cases.size());
        Map<Long, Double> kernelByEpisode = new HashMap<>();
        for (int i = 0; i < evidence.length; i++) {
            Case c = cases.get(i);
            if (local.localRecords()) {
                examples.add(buffer.ofCase(c.id(), local.perCase()));
                evidence[i] = local.tally(state, examples.get(i), kernelByEpisode);
            } else {
                evidence[i] = new LocalEvidence.Tally(c.uses(), c.successes());
            }
        }
        Exploration exploration = settings.exploration();
        ShortlistClusters clusters = exploration.clusters() ? ShortlistClusters.fit(state,
                clustering.cluster(cases, caseVectors), examples, local, kernelByEpisode,
                exploration.priorStrength(), exploration.withoutPrior()) : null;
        if (exploration.kind() != Exploration.Kind.LINEAR) {
            return new ShortlistSelector(cases, logits, prior, evidence, null, clusters, settings);
        }
        // The network's view as the prior: each case's probability less the shortlist's mean is its prior effect.
        double[] probability = new double[cases.size()];
        for (int i = 0; i < probability.length; i++) {
            probability[i] = ShortlistSelector.sigmoid(logits[i]);
        }
        double base = Arrays.stream(probability).average().orElse(0.5);
        double[] priorEffect = Arrays.stream(probability).map(p -> p - base).toArray();
        return new ShortlistSelector(cases, logits, prior, evidence, ShownSetRegression.fit(state, examples, local,
                kernelByEpisode, priorEffect, base, exploration.priorStrength()), clusters, settings);
    }

    /** The network's input for each shortlisted case, one row per case. */
    static float[] features(float[] state, List<Case> cases, List<float[]> caseVectors) {
        int width = PairFeatures.width(state.length);
        float[] features = new float[cases.size() * width];
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            PairFeatures.write(state, caseVectors.get(i), c.uses(), c.successes(), c.label(), c.source(),
                    c.confirmed(), features, i * width);
        }
        return features;
    }
}
