package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Exploration over clusters of the shortlist, on the simulator's situation: three look-alikes (one tight cluster,
 * the most similar cases) and the family's two helpful cases and one failed case (another cluster). In 40 near
 * episodes two look-alikes were shown beside a helpful case and the failed one (half succeeded); in 4 the family's
 * three cases were shown without any look-alike (3 succeeded). Each case's own record is about one half, so per-case
 * Thompson sampling keeps the more similar look-alikes; the look-alikes' cluster record (1/2 with them, 3/4 without)
 * leaves all of them out at once.
 */
class ShortlistClustersTest {

    private static final float[] TASK = {1, 0, 0};
    private static final LocalEvidence LOCAL = LocalEvidence.records(16, 64);
    private static final List<float[]> VECTORS = List.of(
            unit(0.99f, 0.14f, 0), unit(0.99f, 0.12f, 0.02f), unit(0.98f, 0.14f, -0.02f),
            unit(0.6f, 0.8f, 0), unit(0.62f, 0.78f, 0.01f), unit(0.55f, 0.83f, 0),
            unit(0, 0, 1));
    private static final int[] CLUSTERS = LeaderClustering.cluster(VECTORS, 0.9);
    private static final int[] LOOK_ALIKES = {0, 1, 2};
    private static final int HELPFUL_0 = 3;
    private static final int HELPFUL_1 = 4;
    private static final int FAILED = 5;

    private long nextEpisode = 1;

    private List<List<ReplayExample>> byCase() {
        List<List<ReplayExample>> byCase = new ArrayList<>();
        VECTORS.forEach(v -> byCase.add(new ArrayList<>()));
        for (int i = 0; i < 40; i++) {
            episode(byCase, i < 20 ? 1 : 0, LOOK_ALIKES[i % 3], LOOK_ALIKES[(i + 1) % 3], HELPFUL_0 + i % 2, FAILED);
        }
        for (int i = 0; i < 4; i++) {
            episode(byCase, i < 3 ? 1 : 0, HELPFUL_0, HELPFUL_1, FAILED);
        }
        return byCase;
    }

    private void episode(List<List<ReplayExample>> byCase, double reward, int... shown) {
        long episode = nextEpisode++;
        for (int c : shown) {
            byCase.get(c).add(new ReplayExample("acme", TASK, UUID.randomUUID(), VECTORS.get(c), 0, 0,
                    CaseLabel.POSITIVE, reward, episode, 1, CaseSource.REAL, false, 1));
        }
    }

    private static float[] unit(float... v) {
        double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new float[] {(float) (v[0] / norm), (float) (v[1] / norm), (float) (v[2] / norm)};
    }

    @Test
    void leader_clustering_groups_the_cases_near_a_leader() {
        assertThat(LeaderClustering.cluster(VECTORS, 0.9)).containsExactly(0, 0, 0, 1, 1, 1, 2);
        assertThat(LeaderClustering.cluster(VECTORS, 0.5)).containsExactly(0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void a_clusters_effect_is_the_near_success_rate_with_any_of_its_cases_less_the_rate_without() {
        ShortlistClusters clusters = ShortlistClusters.fit(TASK, CLUSTERS, byCase(), LOCAL, new HashMap<>(), 4, 0.5);

        // look-alikes: Beta(2 + 20, 2 + 20) with them, Beta(2 + 3, 2 + 1) without
        assertThat(clusters.effect(0)).isCloseTo(22.0 / 44 - 5.0 / 8, within(1e-9));
        // the family: shown in all 44 (23 successes), never left out
        assertThat(clusters.effect(1)).isCloseTo(25.0 / 48 - 0.5, within(1e-9));
        assertThat(clusters.excluded(0, new Random(1))).containsExactly(true, true, true, false, false, false, true);
    }

    @Test
    void a_lower_prior_for_not_shown_leaves_out_a_cluster_with_a_good_record_less_often() {
        // the family's cluster was shown in every near episode: its "not shown" record is its prior alone
        ShortlistClusters neutral = ShortlistClusters.fit(TASK, CLUSTERS, byCase(), LOCAL, new HashMap<>(), 4, 0.5);
        ShortlistClusters pessimistic = ShortlistClusters.fit(TASK, CLUSTERS, byCase(), LOCAL, new HashMap<>(), 4,
                0.25);

        assertThat(pessimistic.effect(1)).isCloseTo(25.0 / 48 - 0.25, within(1e-9));
        // the look-alikes' "not shown" side has evidence: Beta(1 + 3, 3 + 1) without them
        assertThat(pessimistic.effect(0)).isCloseTo(22.0 / 44 - 4.0 / 8, within(1e-9));
        assertThat(timesLeftOut(pessimistic, HELPFUL_0)).isLessThan(timesLeftOut(neutral, HELPFUL_0) / 2);
    }

    private static int timesLeftOut(ShortlistClusters clusters, int c) {
        Random random = new Random(7);
        int n = 0;
        for (int i = 0; i < 2000; i++) {
            n += clusters.excluded(1, random)[c] ? 1 : 0;
        }
        return n;
    }

    @Test
    void far_episodes_count_nothing() {
        ShortlistClusters far = ShortlistClusters.fit(new float[] {0, 0, 1}, CLUSTERS, byCase(), LOCAL,
                new HashMap<>(), 4, 0.5);

        assertThat(far.effect(0)).isCloseTo(0, within(1e-9));
        assertThat(far.effect(1)).isCloseTo(0, within(1e-9));
    }

    @Test
    void leaving_out_the_look_alikes_cluster_shows_the_family_where_per_case_records_keep_the_look_alikes() {
        List<List<ReplayExample>> byCase = byCase();
        List<Case> shortlist = new ArrayList<>();
        for (String task : List.of("look-alike 0", "look-alike 1", "look-alike 2", "helpful 0", "helpful 1")) {
            shortlist.add(Case.of("t", task, "", "", 1, CaseSource.REAL));
        }
        shortlist.add(Case.of("t", "failed", "", "", 0, CaseSource.REAL));
        shortlist.add(Case.of("t", "other family", "", "", 1, CaseSource.REAL));
        float[] untrained = new float[shortlist.size()];
        Arrays.fill(untrained, QNetwork.OUTPUT_BIAS);
        // the look-alikes most similar, the family next, the other family's case last
        double[] prior = {1.2, 1.2, 1.1, 0.2, 0.1, 0.3, -1.4};
        LocalEvidence.Tally[] records = byCase.stream().map(examples -> LOCAL.tally(TASK, examples))
                .toArray(LocalEvidence.Tally[]::new);
        Exploration perCase = Exploration.thompson(0, 4).withLocalEvidence(LOCAL);
        Exploration byCluster = perCase.withClusters(0.9);

        ShortlistSelector withoutClusters = new ShortlistSelector(shortlist, untrained, prior, records,
                PolicySettings.defaults(null).withExploration(perCase));
        ShortlistSelector withClusters = new ShortlistSelector(shortlist, untrained, prior, records, null,
                ShortlistClusters.fit(TASK, CLUSTERS, byCase, LOCAL, new HashMap<>(), 4, 0.5),
                PolicySettings.defaults(null).withExploration(byCluster));

        assertThat(tasks(withoutClusters.select(4, new Random(1))))
                .containsExactlyInAnyOrder("look-alike 0", "look-alike 1", "look-alike 2", "failed");
        assertThat(tasks(withClusters.select(4, new Random(1))))
                .containsExactlyInAnyOrder("helpful 0", "helpful 1", "failed");
    }

    @Test
    void a_narrower_cluster_spread_stops_leaving_out_a_cluster_whose_record_beats_the_prior_of_not_shown() {
        List<Case> shortlist = new ArrayList<>();
        for (int i = 0; i < VECTORS.size(); i++) {
            shortlist.add(Case.of("t", "case " + i, "", "", 1, CaseSource.REAL));
        }
        float[] untrained = new float[shortlist.size()];
        Arrays.fill(untrained, QNetwork.OUTPUT_BIAS);
        double[] prior = {1.2, 1.2, 1.1, 0.2, 0.1, 0.3, -1.4};
        List<List<ReplayExample>> byCase = byCase();
        LocalEvidence.Tally[] records = byCase.stream().map(examples -> LOCAL.tally(TASK, examples))
                .toArray(LocalEvidence.Tally[]::new);
        ShortlistClusters clusters = ShortlistClusters.fit(TASK, CLUSTERS, byCase, LOCAL, new HashMap<>(), 4, 0.5);
        Exploration wide = Exploration.thompson(1, 4).withLocalEvidence(LOCAL).withClusters(0.9);

        // the family's cluster: 25/48 shown against Beta(2, 2) not shown
        assertThat(timesFamilyLeftOut(shortlist, untrained, prior, records, clusters, wide)).isGreaterThan(100);
        assertThat(timesFamilyLeftOut(shortlist, untrained, prior, records, clusters, wide.withClusterSpread(0)))
                .isZero();
    }

    private static int timesFamilyLeftOut(List<Case> shortlist, float[] logits, double[] prior,
            LocalEvidence.Tally[] records, ShortlistClusters clusters, Exploration exploration) {
        ShortlistSelector selector = new ShortlistSelector(shortlist, logits, prior, records, null, clusters,
                PolicySettings.defaults(null).withExploration(exploration));
        Random random = new Random(5);
        int n = 0;
        for (int i = 0; i < 400; i++) {
            List<String> shown = tasks(selector.select(4, random));
            n += shown.contains("case 3") || shown.contains("case 4") || shown.contains("case 5") ? 0 : 1;
        }
        return n;
    }

    @Test
    void a_gate_selects_by_softmax_until_the_most_similar_cluster_misleads_by_more_than_its_margin() {
        List<Case> shortlist = new ArrayList<>();
        for (String task : List.of("look-alike 0", "look-alike 1", "look-alike 2", "helpful 0", "helpful 1")) {
            shortlist.add(Case.of("t", task, "", "", 1, CaseSource.REAL));
        }
        shortlist.add(Case.of("t", "failed", "", "", 0, CaseSource.REAL));
        shortlist.add(Case.of("t", "other family", "", "", 1, CaseSource.REAL));
        float[] logits = {0.3f, -0.2f, 0.1f, 0.4f, -0.5f, 0.0f, 0.2f};
        double[] prior = {1.2, 1.2, 1.1, 0.2, 0.1, 0.3, -1.4};
        List<List<ReplayExample>> byCase = byCase();
        LocalEvidence.Tally[] records = byCase.stream().map(examples -> LOCAL.tally(TASK, examples))
                .toArray(LocalEvidence.Tally[]::new);
        // the look-alikes' cluster (the most similar case's) has a mean effect of 22/44 − 5/8 = −0.125
        ShortlistClusters clusters = ShortlistClusters.fit(TASK, CLUSTERS, byCase, LOCAL, new HashMap<>(), 4, 0.5);
        Exploration byCluster = Exploration.thompson(0, 4).withLocalEvidence(LOCAL).withClusters(0.9);
        ShortlistSelector softmax = new ShortlistSelector(shortlist, logits, prior, records,
                PolicySettings.defaults(null).withExploration(Exploration.SOFTMAX));
        ShortlistSelector closed = new ShortlistSelector(shortlist, logits, prior, records, null, clusters,
                PolicySettings.defaults(null).withExploration(byCluster.withGate(0.2)));
        ShortlistSelector open = new ShortlistSelector(shortlist, logits, prior, records, null, clusters,
                PolicySettings.defaults(null).withExploration(byCluster.withGate(0.1)));

        // −0.125 is not below −0.2: today's softmax over Q, draw for draw
        assertThat(closed.softmax()).isTrue();
        for (int seed = 0; seed < 50; seed++) {
            assertThat(tasks(closed.select(4, new Random(seed)))).as("seed " + seed)
                    .isEqualTo(tasks(softmax.select(4, new Random(seed))));
        }
        assertThat(closed.value(3)).isCloseTo(ShortlistSelector.sigmoid(0.4f), within(1e-9));
        // −0.125 is below −0.1: the look-alikes' cluster is left out and the family shown
        assertThat(open.softmax()).isFalse();
        assertThat(tasks(open.select(4, new Random(1)))).containsExactlyInAnyOrder("helpful 0", "helpful 1", "failed");
    }

    @Test
    void a_gate_needs_clusters_and_lies_within_0_and_1() {
        Exploration local = Exploration.thompson(1, 4).withLocalEvidence(LOCAL);
        assertThatThrownBy(() -> local.withGate(0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a gate needs exploration over clusters (clusterThreshold > 0)");
        assertThatThrownBy(() -> local.withClusters(0.9).withGate(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gate must be within [0, 1), was 1.0");
        assertThat(local.withClusters(0.9).withGate(0.1).gated()).isTrue();
        assertThat(local.withClusters(0.9).gated()).isFalse();
    }

    @Test
    void exploration_over_clusters_needs_local_records() {
        assertThatThrownBy(() -> Exploration.thompson(1, 4).withClusters(0.9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exploration over clusters needs local records (perCase > 0)");
    }

    private static List<String> tasks(List<SoftmaxChooser.Chosen> chosen) {
        return chosen.stream().map(c -> c.candidate().value().task()).toList();
    }
}
