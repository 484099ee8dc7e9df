package dev.casebook.memory.policy.learned;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Exploration over groups of the shortlist ({@link Exploration#clusterThreshold()}): the shortlist's cases are
 * grouped into tight clusters by their vectors, each cluster gets a record on tasks near this one, and a selection
 * leaves out every cluster whose sampled effect is negative.
 *
 * <p>Why: per-case exploration tries a prompt without any case of a cluster only by accident. Once the similarity
 * prior has faded, four cases drawn from a misleading family's 12 relevant ones (4 helpful, 2 failed, 6 look-alikes
 * of one tight cluster) hold no look-alike 3 % of the time, so what a prompt without look-alikes is worth is seen
 * through a keyhole. A cluster's record compares the near episodes that showed <em>any</em> of its cases with those
 * that showed none, which is the simulator's effect (any look-alike misleads) and what leaving the cluster out would
 * change; "leave it out" becomes one arm of a bandit, tried whenever its record is uncertain.
 *
 * <p>Clusters are leaders in the shortlist's order (the store's, most similar first): a case joins the first leader
 * whose cosine with it is at least the threshold, else it leads a cluster of its own ({@link LeaderClustering}, which
 * keeps the pairs it compared). Records: the episodes are the
 * shortlisted cases' replay examples grouped by {@link ReplayExample#episode()}, each weighing its kernel
 * ({@link LocalEvidence#kernel}) times its example weight; a cluster's "shown" and "not shown" success rates are Beta
 * posteriors ({@link CasePosterior}) worth {@code priorStrength} episodes of prior, of mean 1/2 for "shown" and
 * {@link Exploration#withoutPrior()} for "not shown", and its sampled effect
 * is a draw from the first less a draw from the second.
 */
final class ShortlistClusters {

    /** The cluster of each case of the shortlist. */
    private final int[] clusterOf;
    /** Per cluster: the near episodes that showed any of its cases. */
    private final CasePosterior[] shown;
    /** Per cluster: the near episodes that showed none of its cases. */
    private final CasePosterior[] notShown;

    private ShortlistClusters(int[] clusterOf, CasePosterior[] shown, CasePosterior[] notShown) {
        this.clusterOf = clusterOf;
        this.shown = shown;
        this.notShown = notShown;
    }

    /**
     * Fits the record of each cluster of the shortlist for {@code state}.
     *
     * @param clusterOf       the cluster of each shortlisted case ({@link LeaderClustering}), in the shortlist's order
     * @param examplesByCase  each shortlisted case's replay examples (its newest, as {@link LocalEvidence} reads them)
     * @param kernelByEpisode the kernel weight of each episode, filled as it is computed (shared with the tallies)
     */
    static ShortlistClusters fit(float[] state, int[] clusterOf, List<List<ReplayExample>> examplesByCase,
            LocalEvidence local, Map<Long, Double> kernelByEpisode, double priorStrength, double withoutPrior) {
        if (clusterOf.length != examplesByCase.size()) {
            throw new IllegalArgumentException("need one cluster and one list of examples per case: "
                    + clusterOf.length + " clusters, " + examplesByCase.size() + " lists");
        }
        int clusters = Arrays.stream(clusterOf).max().orElse(-1) + 1;
        Map<Long, Episode> episodes = new LinkedHashMap<>();
        long single = -1;
        for (int i = 0; i < examplesByCase.size(); i++) {
            for (ReplayExample e : examplesByCase.get(i)) {
                // An example of no episode (read back from the log) was shown alone as far as the buffer knows.
                long key = e.episode() == ReplayExample.NO_EPISODE ? single-- : e.episode();
                Episode episode = episodes.get(key);
                if (episode == null && !episodes.containsKey(key)) {
                    double weight = local.weight(e, state, kernelByEpisode);
                    // Far episodes (weight 0) are kept as null: looked up once, never counted.
                    episode = weight == 0 ? null : new Episode(weight, e.reward() >= 0.5);
                    episodes.put(key, episode);
                }
                if (episode != null) {
                    episode.add(clusterOf[i]);
                }
            }
        }
        double[] shownTrials = new double[clusters];
        double[] shownSuccesses = new double[clusters];
        double allTrials = 0;
        double allSuccesses = 0;
        for (Episode episode : episodes.values()) {
            if (episode == null) {
                continue;
            }
            allTrials += episode.weight;
            allSuccesses += episode.success ? episode.weight : 0;
            for (int j = 0; j < episode.count; j++) {
                shownTrials[episode.clusters[j]] += episode.weight;
                shownSuccesses[episode.clusters[j]] += episode.success ? episode.weight : 0;
            }
        }
        CasePosterior[] shown = new CasePosterior[clusters];
        CasePosterior[] notShown = new CasePosterior[clusters];
        for (int c = 0; c < clusters; c++) {
            shown[c] = CasePosterior.of(Exploration.NEUTRAL_PRIOR, shownTrials[c], shownSuccesses[c], priorStrength);
            notShown[c] = CasePosterior.of(withoutPrior, allTrials - shownTrials[c], allSuccesses - shownSuccesses[c],
                    priorStrength);
        }
        return new ShortlistClusters(clusterOf, shown, notShown);
    }

    /** The cluster of case {@code i}. */
    int clusterOf(int i) {
        return clusterOf[i];
    }

    /** The posterior mean of cluster {@code c}'s effect: the near success rate with it less the rate without it. */
    double effect(int c) {
        return shown[c].mean() - notShown[c].mean();
    }

    /** Whether cluster {@code c}'s posterior mean effect is below {@code −margin}: near here, it misleads. */
    boolean misleads(int c, double margin) {
        return effect(c) < -margin;
    }

    /**
     * Which cases to leave out: those of every cluster whose effect, drawn from its two posteriors (their spread
     * scaled by {@code strength}; 0: the means), is negative.
     */
    boolean[] excluded(double strength, RandomGenerator random) {
        boolean[] clusterExcluded = new boolean[shown.length];
        for (int c = 0; c < shown.length; c++) {
            clusterExcluded[c] = shown[c].sample(strength, random) < notShown[c].sample(strength, random);
        }
        boolean[] excluded = new boolean[clusterOf.length];
        for (int i = 0; i < excluded.length; i++) {
            excluded[i] = clusterExcluded[clusterOf[i]];
        }
        return excluded;
    }

    /** A near episode: its weight, its outcome and the clusters it showed (each once). */
    private static final class Episode {

        final double weight;
        final boolean success;
        int[] clusters = new int[4];
        int count;

        Episode(double weight, boolean success) {
            this.weight = weight;
            this.success = success;
        }

        void add(int cluster) {
            for (int j = 0; j < count; j++) {
                if (clusters[j] == cluster) {
                    return;
                }
            }
            if (count == clusters.length) {
                clusters = Arrays.copyOf(clusters, 2 * count);
            }
            clusters[count++] = cluster;
        }
    }
}
