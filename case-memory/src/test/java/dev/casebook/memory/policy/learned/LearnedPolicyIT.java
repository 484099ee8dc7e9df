package dev.casebook.memory.policy.learned;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned policy over a real pgvector store, in a world where similarity misleads: for each topic the cases
 * nearest to its queries are decoys (selecting one fails) and somewhat less similar ones help (selecting one
 * succeeds).
 */
class LearnedPolicyIT {

    private static final int DIM = 16;
    private static final int TOPICS = 3;
    private static final String MODEL = "synthetic-16";
    private static final String TENANT = "acme";

    @TempDir
    Path checkpoints;

    private TestPostgres.Schema schema;
    private PgVectorCaseStore store;
    private final Map<UUID, float[]> vectorsById = new HashMap<>();
    private final Set<UUID> helpful = new HashSet<>();
    private final Set<UUID> decoys = new HashSet<>();
    private final Random random = new Random(2024);
    private final CaseVectors vectors = cases -> cases.stream().map(c -> vectorsById.get(c.id())).toList();

    @BeforeEach
    void openStore() {
        schema = TestPostgres.get().newSchema("learned_policy");
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(DIM)))
                .load().migrate();
        store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), DIM);
        for (int topic = 0; topic < TOPICS; topic++) {
            for (int i = 0; i < 4; i++) {
                // decoys: close to the topic axis; helpful cases: further away, along their own axis
                add(topic, "decoy " + topic + "." + i, axisMix(topic, 0.25, TOPICS + topic, 0.1), decoys);
                add(topic, "helpful " + topic + "." + i, axisMix(topic, 1.0, 2 * TOPICS + topic, 0.1), helpful);
            }
        }
        // another tenant's case exactly on a topic axis: never selectable for acme
        store.add(Case.of("other", "other tenant", "", "", 1, CaseSource.REAL), axisMix(0, 0, 0, 0));
    }

    @AfterEach
    void closeStore() {
        store.close();
        schema.drop();
    }

    @Test
    void learns_from_rewards_to_prefer_helpful_cases_over_more_similar_decoys() throws Exception {
        assertThat(similarityRate(helpful)).as("similarity ranks decoys first").isLessThan(0.2);

        assertThat(greedyRateAfterLearning(helpful, checkpoints.resolve("helpful"), helpful)).isGreaterThan(0.8);
        // the same world with the rewards swapped: what it learns follows the rewards, not its initialisation
        assertThat(greedyRateAfterLearning(decoys, checkpoints.resolve("decoys"), decoys)).isGreaterThan(0.8);
    }

    /** Trains on episodes rewarded when the selected case is in {@code rewarded}; greedy rate of {@code kind}. */
    private double greedyRateAfterLearning(Set<UUID> rewarded, Path dir, Set<UUID> kind) throws Exception {
        PolicySettings settings = new PolicySettings(16, 1.0, 1, 64, 64, 32, 3e-3f, 32,
                16, 4, 10_000, dir, Duration.ofMinutes(5), 7, LearnedPolicy.TrainingMode.BACKGROUND);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
            for (int episode = 0; episode < 240; episode++) {
                float[] state = query(episode % TOPICS);
                List<SelectedCase> selected = policy.select(request(state, 1));
                policy.observe(state, selected, rewarded.contains(selected.getFirst().value().id()) ? 1 : 0);
            }
            awaitSteps(policy, 600);
        }
        // reopened from the checkpoint saved on close, greedy
        try (LearnedPolicy greedy = LearnedPolicy.open(store, vectors, MODEL, settings.withTemperature(0))) {
            assertThat(greedy.status().learning()).isTrue();
            assertThat(greedy.status().trainingSteps()).isGreaterThanOrEqualTo(600);
            return rate(kind, state -> greedy.select(request(state, 1)).getFirst().value().id());
        }
    }

    @Test
    void an_untrained_greedy_policy_selects_exactly_what_the_similarity_policy_selects() {
        SimilarityPolicy similarity = new SimilarityPolicy(store, PolicySettings.defaults(null).similarity());
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(null).withTemperature(0))) {
            for (int i = 0; i < 9; i++) {
                float[] state = query(i % TOPICS);
                assertThat(policy.select(request(state, 4))).extracting(s -> s.value().id())
                        .containsExactlyElementsOf(similarity.select(request(state, 4)).stream()
                                .map(s -> s.value().id()).toList());
            }
        }
    }

    @Test
    void inline_training_trains_the_earned_steps_before_observe_returns_and_repeats_for_a_seed() {
        PolicySettings settings = PolicySettings.defaults(null).withTraining(32, 3e-3f, 8, 4, 3)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE).withSeed(11);
        List<List<UUID>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            List<UUID> chosen = new ArrayList<>();
            Random queries = new Random(5);
            try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
                for (int episode = 0; episode < 40; episode++) {
                    float[] state = query(episode % TOPICS, queries);
                    List<SelectedCase> selected = policy.select(request(state, 2));
                    selected.forEach(s -> chosen.add(s.value().id()));
                    policy.observe(state, selected, helpful.contains(selected.getFirst().value().id()) ? 1 : 0);
                    // 2 examples per episode, 3 steps each, from the 4th example on
                    assertThat(policy.status().trainingSteps()).isEqualTo(episode == 0 ? 0 : 6L * (episode + 1));
                }
            }
            runs.add(chosen);
        }
        assertThat(runs.get(1)).containsExactlyElementsOf(runs.get(0));
    }

    @Test
    void forgets_a_tenants_replay_examples_in_the_buffer_and_the_log() {
        List<ReplayExample> kept = new ArrayList<>();
        ReplayLog log = new ReplayLog() {
            @Override
            public void append(ReplayExample example) {
                kept.add(example);
            }

            @Override
            public List<ReplayExample> recent(int limit) {
                return List.copyOf(kept);
            }

            @Override
            public int deleteTenant(String tenant) {
                int before = kept.size();
                kept.removeIf(e -> e.tenant().equals(tenant));
                return before - kept.size();
            }
        };
        PolicySettings settings = PolicySettings.defaults(null)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings, log)) {
            float[] state = query(0);
            policy.observe(state, policy.select(request(state, 3)), 1);
            assertThat(kept).hasSize(3).allSatisfy(e -> assertThat(e.tenant()).isEqualTo(TENANT));
            assertThat(policy.status().replayExamples()).isEqualTo(3);

            assertThat(policy.forget("other")).isZero();
            assertThat(policy.forget(TENANT)).isEqualTo(3);
            assertThat(kept).isEmpty();
            assertThat(policy.status().replayExamples()).isZero();
        }
    }

    /** A log that keeps the examples the trainer made, as objects (propensity and episode included). */
    private static final class KeepingLog implements ReplayLog {
        final List<ReplayExample> kept = new ArrayList<>();

        @Override
        public void append(ReplayExample example) {
            kept.add(example);
        }

        @Override
        public List<ReplayExample> recent(int limit) {
            return List.of();
        }

        @Override
        public int deleteTenant(String tenant) {
            return 0;
        }
    }

    @Test
    void ipw_credit_trains_each_shown_case_with_the_probability_that_the_selection_would_show_it() {
        KeepingLog log = new KeepingLog();
        PolicySettings settings = PolicySettings.defaults(null).withTemperature(2.0)
                .withCredit(Credit.CASE_IPW).withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings, log)) {
            for (int episode = 0; episode < 3; episode++) {
                float[] state = query(episode % TOPICS);
                policy.observe(state, policy.select(request(state, 2)), 1);
            }
        }
        // softmax at temperature 2 over 24 cases: no case is shown for sure, each shown one had a chance
        assertThat(log.kept).hasSize(6).allSatisfy(e -> assertThat(e.propensity()).isGreaterThan(0).isLessThan(1));
        // each observe is one episode
        assertThat(log.kept).extracting(ReplayExample::episode).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
    }

    @Test
    void per_case_credit_and_an_unremembered_selection_train_with_propensity_one() {
        KeepingLog log = new KeepingLog();
        PolicySettings settings = PolicySettings.defaults(null).withTemperature(2.0)
                .withCredit(Credit.CASE_IPW).withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings, log)) {
            float[] state = query(0);
            List<SelectedCase> selected = policy.select(request(state, 2));
            // a reward for another state than the one selected for (e.g. after a restart): not remembered
            policy.observe(query(1), selected, 1);
        }
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                settings.withCredit(Credit.CASE), log)) {
            float[] state = query(0);
            policy.observe(state, policy.select(request(state, 2)), 1);
        }
        assertThat(log.kept).hasSize(4).allSatisfy(e -> assertThat(e.propensity()).isEqualTo(1));
    }

    @Test
    void thompson_sampling_with_slate_credit_learns_to_prefer_helpful_cases_over_more_similar_decoys()
            throws Exception {
        PolicySettings settings = PolicySettings.defaults(checkpoints.resolve("thompson"))
                .withTraining(32, 3e-3f, 16, 16, 2)
                .withExploration(Exploration.thompson(1, 4)).withCredit(Credit.SLATE)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE).withSeed(3);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
            Random queries = new Random(8);
            for (int episode = 0; episode < 240; episode++) {
                float[] state = query(episode % TOPICS, queries);
                List<SelectedCase> selected = policy.select(request(state, 1));
                boolean success = helpful.contains(selected.getFirst().value().id());
                store.recordUse(TENANT, selected.getFirst().value().id(), success);
                policy.observe(state, selected, success ? 1 : 0);
            }
        }
        // reopened from its checkpoint, exploring no more (the posterior mean)
        try (LearnedPolicy greedy = LearnedPolicy.open(store, vectors, MODEL,
                settings.withExploration(Exploration.thompson(0, 4)))) {
            assertThat(greedy.status().trainingSteps()).isPositive();
            assertThat(rate(helpful, state -> greedy.select(request(state, 1)).getFirst().value().id()))
                    .isGreaterThan(0.8);
        }
    }

    @Test
    void selects_at_most_k_cases_of_the_request_tenant_with_scores_as_probabilities() {
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(null))) {
            List<SelectedCase> selected = policy.select(request(axisMix(0, 0, 0, 0), 4));

            assertThat(selected).hasSize(4).allSatisfy(s -> {
                assertThat(s.value().tenant()).isEqualTo(TENANT);
                assertThat(s.score()).isBetween(0.0, 1.0);
            });
            assertThat(policy.select(request(axisMix(0, 0, 0, 0), 0))).isEmpty();
            assertThat(policy.select(new SelectionRequest("t", axisMix(0, 0, 0, 0), CaseFilter.tenant("nobody"), 4)))
                    .isEmpty();
        }
    }

    @Test
    void keeps_the_positive_and_negative_quotas_of_the_similarity_policy() {
        Case pitfall = store.add(Case.of(TENANT, "a failed attempt", "plan", "wrong", 0, CaseSource.REAL),
                axisMix(0, 0.1, 1, 0));
        vectorsById.put(pitfall.id(), axisMix(0, 0.1, 1, 0));
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(null).withQuotas(2, 1).withTemperature(3.0))) {
            for (int i = 0; i < 20; i++) {
                List<SelectedCase> selected = policy.select(request(query(0), 4));
                assertThat(selected).hasSize(3);
                assertThat(selected).filteredOn(s -> s.role() == dev.casebook.memory.policy.CaseRole.PITFALL)
                        .extracting(s -> s.value().id()).containsExactly(pitfall.id());
            }
        }
    }

    @Test
    void select_and_observe_return_while_the_trainer_is_busy() throws Exception {
        CountDownLatch trainerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PolicySettings settings = PolicySettings.defaults(null).withTraining(32, 1e-3f, 4, 1, 1);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings, steps -> {
            trainerBusy.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // holds the trainer thread after its first step
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            float[] state = query(0);
            policy.observe(state, policy.select(request(state, 2)), 1);
            assertThat(trainerBusy.await(60, TimeUnit.SECONDS)).as("trainer took a step").isTrue();

            for (int i = 0; i < 20; i++) {
                List<SelectedCase> selected = policy.select(request(state, 2));
                policy.observe(state, selected, 0);
                assertThat(selected).hasSize(2);
            }
            assertThat(policy.status().trainingSteps()).isEqualTo(1);
            release.countDown();
        }
    }

    @Test
    void saves_checkpoints_while_training_and_on_close() throws Exception {
        PolicySettings settings = PolicySettings.defaults(checkpoints)
                .withTraining(32, 1e-3f, 8, 4, 2).withCheckpointInterval(Duration.ZERO);
        long closedAt;
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
            for (int i = 0; i < 10; i++) {
                float[] state = query(i % TOPICS);
                policy.observe(state, policy.select(request(state, 1)), i % 2);
            }
            awaitSteps(policy, 20);
            awaitCheckpoint();
            assertThat(Checkpoint.load(checkpoints, MODEL, new QNetwork.Settings(DIM, 32, 1e-3f)).orElseThrow()
                    .steps()).isPositive();
            closedAt = policy.status().trainingSteps();
        }
        try (LearnedPolicy reopened = LearnedPolicy.open(store, vectors, MODEL, settings)) {
            assertThat(reopened.status().trainingSteps()).isEqualTo(closedAt);
        }
    }

    @Test
    void a_corrupt_checkpoint_is_refused_and_the_policy_selects_by_similarity() throws Exception {
        Files.writeString(checkpoints.resolve(Checkpoint.HEADER), "not json");
        float[] state = query(1);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(checkpoints).withTemperature(1.0))) {
            assertThat(policy.status().learning()).isFalse();
            assertThat(policy.status().fallbackReason())
                    .startsWith("refusing checkpoint " + checkpoints + ": corrupt header q-network.json (");

            List<UUID> nearest = store.search(new VectorQuery(state, CaseFilter.tenant(TENANT), 2)).stream()
                    .map(s -> s.value().id()).toList();
            List<SelectedCase> selected = policy.select(request(state, 2));
            assertThat(selected).extracting(s -> s.value().id()).containsExactlyElementsOf(nearest);
            assertThat(selected).isEqualTo(new SimilarityPolicy(store,
                    PolicySettings.defaults(null).similarity()).select(request(state, 2)));
            policy.observe(state, selected, 1);
        }
        assertThat(Files.readString(checkpoints.resolve(Checkpoint.HEADER))).isEqualTo("not json");
    }

    @Test
    void a_checkpoint_of_the_previous_feature_layout_is_refused_and_the_policy_selects_by_similarity()
            throws Exception {
        for (int layout : new int[] {1, 2}) {
            Path dir = checkpoints.resolve("layout-" + layout);
            // a layout-2 network (before the source and confirmed features) was 8 inputs narrower
            try (QNetwork network = QNetwork.create(new QNetwork.Settings(DIM, 32, 1e-3f))) {
                Checkpoint.save(network, MODEL, dir);
            }
            Path header = dir.resolve(Checkpoint.HEADER);
            Files.writeString(header, Files.readString(header).replaceFirst("\"featureLayout\"\\s*:\\s*\\d+",
                    "\"featureLayout\" : " + layout));
            float[] state = query(2);
            try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                    PolicySettings.defaults(dir))) {
                assertThat(policy.status().learning()).isFalse();
                assertThat(policy.status().fallbackReason()).isEqualTo("refusing checkpoint " + dir
                        + ": it uses feature layout version " + layout + " but this build uses version 3 (an older"
                        + " checkpoint: layout 3 added the case's source and confirmed bit to the features; the"
                        + " policy selects by similarity until the checkpoint directory is emptied, then a new"
                        + " network learns from there)");
                assertThat(policy.select(request(state, 3))).isEqualTo(new SimilarityPolicy(store,
                        PolicySettings.defaults(null).similarity()).select(request(state, 3)));
                policy.observe(state, policy.select(request(state, 3)), 1);
                assertThat(policy.status().trainingSteps()).isZero();
            }
            assertThat(Files.readString(header)).contains("\"featureLayout\" : " + layout);
        }
    }

    @Test
    void an_episode_trains_with_its_weight_and_an_episode_of_weight_zero_is_dropped() {
        KeepingLog log = new KeepingLog();
        PolicySettings settings = PolicySettings.defaults(null).withTraining(32, 3e-3f, 4, 2, 1)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings, log)) {
            float[] state = query(0);
            policy.observe(state, policy.select(request(state, 2)), 1, 0.25);
            long afterDream = policy.status().trainingSteps();
            policy.observe(state, policy.select(request(state, 2)), 1, 0);
            assertThat(policy.status().trainingSteps()).as("an episode of weight 0 earns no step")
                    .isEqualTo(afterDream);
            assertThat(policy.status().replayExamples()).isEqualTo(2);
            policy.observe(state, policy.select(request(state, 2)), 0);
            assertThat(policy.status().trainingSteps()).isEqualTo(afterDream + 2);
        }
        assertThat(log.kept).extracting(ReplayExample::weight).containsExactly(0.25, 0.25, 1.0, 1.0);
    }

    @Test
    void a_weighted_example_counts_its_weight_in_the_loss() {
        // the same pair rewarded 1 by dreams of weight 0.25 and 0 by real episodes, as often: the weighted optimum
        // of the network's probability is 0.25 / (0.25 + 1) = 0.2 (unweighted it would be 0.5)
        float[] state = query(0);
        PolicySettings settings = PolicySettings.defaults(null).withTraining(32, 3e-3f, 8, 2, 4)
                .withTemperature(0).withTrainingMode(LearnedPolicy.TrainingMode.INLINE).withSeed(3);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
            List<SelectedCase> selected = policy.select(request(state, 1));
            for (int episode = 0; episode < 60; episode++) {
                policy.observe(state, selected, 1, 0.25);
                policy.observe(state, selected, 0, 1);
            }
            double p = policy.select(request(state, 1)).stream()
                    .filter(c -> c.value().id().equals(selected.getFirst().value().id())).findFirst()
                    .orElseThrow().score();
            assertThat(p).isBetween(0.1, 0.3);
        }
    }

    @Test
    void a_provisional_synthetic_case_is_ranked_with_the_synthetic_prior_and_a_confirmed_one_as_any() {
        float[] state = query(1);
        // a synthetic case exactly on the query: the most similar by far, yet discounted while unconfirmed
        Case dream = store.add(Case.of(TENANT, "dreamed", "plan", "answer", 1, CaseSource.SYNTHETIC), state);
        vectorsById.put(dream.id(), state);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(null).withTemperature(0))) {
            SelectionRequest plain = request(state, 1);
            SelectionRequest guarded = new SelectionRequest("task", state, CaseFilter.tenant(TENANT), 1, 0.5);
            assertThat(policy.select(plain).getFirst().value().id()).isEqualTo(dream.id());
            assertThat(policy.select(guarded).getFirst().value().id()).isNotEqualTo(dream.id());
            store.confirm(TENANT, dream.id());
            assertThat(policy.select(guarded).getFirst().value().id()).isEqualTo(dream.id());
        }
    }

    @Test
    void a_refuted_synthetic_case_is_not_on_the_shortlist() {
        float[] state = query(1);
        Case dream = store.add(Case.of(TENANT, "dreamed", "plan", "answer", 1, CaseSource.SYNTHETIC), state);
        vectorsById.put(dream.id(), state);
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(null).withTemperature(0))) {
            assertThat(policy.select(request(state, 1)).getFirst().value().id()).isEqualTo(dream.id());
            store.refute(TENANT, dream.id()).orElseThrow();
            for (int i = 0; i < 5; i++) {
                assertThat(policy.select(request(state, 4))).isNotEmpty().extracting(s -> s.value().id())
                        .doesNotContain(dream.id());
            }
        }
    }

    @Test
    void a_checkpoint_of_another_embedding_model_is_refused() {
        try (QNetwork network = QNetwork.create(new QNetwork.Settings(DIM, 32, 1e-3f))) {
            Checkpoint.save(network, "another-model", checkpoints);
        }
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL,
                PolicySettings.defaults(checkpoints))) {
            assertThat(policy.status().fallbackReason()).isEqualTo("refusing checkpoint " + checkpoints
                    + ": it was trained for embedding model 'another-model' (dimension 16) but the policy uses '"
                    + MODEL + "' (dimension 16)");
            assertThat(policy.select(request(query(0), 3))).hasSize(3);
        }
    }

    private double similarityRate(Set<UUID> kind) {
        return rate(kind, state -> store.search(new VectorQuery(state, CaseFilter.tenant(TENANT), 1)).getFirst()
                .value().id());
    }

    /** Fraction of 30 queries (10 per topic) whose top choice is of {@code kind}. */
    private double rate(Set<UUID> kind, Function<float[], UUID> top) {
        int hits = 0;
        int n = 30;
        for (int i = 0; i < n; i++) {
            hits += kind.contains(top.apply(query(i % TOPICS))) ? 1 : 0;
        }
        return hits / (double) n;
    }

    private static void awaitSteps(LearnedPolicy policy, long steps) {
        eventually(steps + " training steps", Duration.ofMinutes(5), () -> policy.status().trainingSteps(),
                n -> n >= steps);
    }

    private void awaitCheckpoint() {
        eventually("a checkpoint written", () -> Files.exists(checkpoints.resolve(Checkpoint.HEADER)),
                Boolean::booleanValue);
    }

    private SelectionRequest request(float[] state, int k) {
        return new SelectionRequest("task", state, CaseFilter.tenant(TENANT), k);
    }

    private void add(int topic, String task, float[] vector, Set<UUID> kind) {
        Case stored = store.add(Case.of(TENANT, task, "plan", "answer", 1, CaseSource.REAL), vector);
        vectorsById.put(stored.id(), vector);
        kind.add(stored.id());
    }

    /** A query of a topic: its axis plus small noise. */
    private float[] query(int topic) {
        return query(topic, random);
    }

    private static float[] query(int topic, Random noise) {
        float[] v = new float[DIM];
        v[topic] = 1;
        for (int i = 0; i < DIM; i++) {
            v[i] += (float) (0.1 * noise.nextGaussian());
        }
        return normalize(v);
    }

    /** Unit vector along axis {@code a} plus {@code weight} of axis {@code b} plus noise. */
    private float[] axisMix(int a, double weight, int b, double noise) {
        float[] v = new float[DIM];
        v[a] = 1;
        v[b] += (float) weight;
        for (int i = 0; i < DIM; i++) {
            v[i] += (float) (noise * random.nextGaussian());
        }
        return normalize(v);
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** The first case of {@code kind} whose task starts with {@code prefix}. */
    private Case stored(Set<UUID> kind, String prefix) {
        return kind.stream().map(id -> store.get(TENANT, id).orElseThrow())
                .filter(c -> c.task().startsWith(prefix)).findFirst().orElseThrow();
    }

    /** Untrained (training never starts), greedy Thompson sampling: the posterior mean plus the similarity prior. */
    private static PolicySettings untrainedGreedy(LocalEvidence local) {
        return PolicySettings.defaults(null).withTraining(32, 3e-3f, 16, 1_000_000, 1)
                .withExploration(Exploration.thompson(0, 4).withLocalEvidence(local))
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
    }

    @Test
    void with_local_records_a_case_is_valued_by_what_it_did_on_tasks_near_this_one() {
        Case decoy = stored(decoys, "decoy 0.");
        Case helpfulCase = stored(helpful, "helpful 0.");
        Random noise = new Random(5);
        for (LocalEvidence local : List.of(LocalEvidence.OFF, LocalEvidence.records(16, 64))) {
            try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, untrainedGreedy(local))) {
                // near topic 0 the decoy failed and the helpful case succeeded; near topic 1 the other way round
                for (int i = 0; i < 10; i++) {
                    policy.observe(query(0, noise), List.of(new SelectedCase(decoy, 0.5, CaseRole.EXAMPLE)), 0);
                    policy.observe(query(0, noise), List.of(new SelectedCase(helpfulCase, 0.5, CaseRole.EXAMPLE)),
                            1);
                }
                UUID chosen = policy.select(request(query(0, noise), 1)).getFirst().value().id();
                if (local.localRecords()) {
                    assertThat(chosen).as("by its record near topic 0").isEqualTo(helpfulCase.id());
                } else {
                    // the store's counts are untouched: nothing but similarity, the decoys first
                    assertThat(decoys).as("by similarity").contains(chosen);
                }
            }
        }
    }

    @Test
    void candidates_by_value_add_cases_that_succeeded_on_near_tasks_to_a_shortlist_that_missed_them() {
        Case helpful0 = stored(helpful, "helpful 0.");
        Case helpful1 = stored(helpful, "helpful 1.");
        Case decoy0 = stored(decoys, "decoy 0.");
        Random noise = new Random(6);
        // a shortlist of the 4 most similar cases: topic 0's decoys
        PolicySettings narrow = untrainedGreedy(LocalEvidence.records(16, 64)).withCandidates(4);
        for (int added : new int[] {0, 2}) {
            PolicySettings settings = narrow.withExploration(narrow.exploration().withLocalEvidence(
                    narrow.exploration().local().withAddedCandidates(added)));
            try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, settings)) {
                for (int i = 0; i < 5; i++) {
                    policy.observe(query(0, noise), List.of(new SelectedCase(helpful0, 0.5, CaseRole.EXAMPLE)), 1);
                    policy.observe(query(1, noise), List.of(new SelectedCase(helpful1, 0.5, CaseRole.EXAMPLE)), 1);
                    policy.observe(query(0, noise), List.of(new SelectedCase(decoy0, 0.5, CaseRole.EXAMPLE)), 0);
                }
                List<UUID> shortlist = policy.shortlist(query(0, noise), CaseFilter.tenant(TENANT)).stream()
                        .map(Case::id).toList();
                assertThat(shortlist.subList(0, 4)).allMatch(decoys::contains);
                if (added == 0) {
                    assertThat(shortlist).hasSize(4);
                } else {
                    // only the case that succeeded near topic 0, not the one that succeeded near topic 1
                    assertThat(shortlist).hasSize(5).endsWith(helpful0.id()).doesNotContain(helpful1.id());
                }
            }
        }
        // another tenant's filter never gets acme's cases added
        try (LearnedPolicy policy = LearnedPolicy.open(store, vectors, MODEL, narrow.withExploration(
                narrow.exploration().withLocalEvidence(narrow.exploration().local().withAddedCandidates(2))))) {
            policy.observe(query(0, noise), List.of(new SelectedCase(helpful0, 0.5, CaseRole.EXAMPLE)), 1);
            assertThat(policy.shortlist(query(0, noise), CaseFilter.tenant("other")))
                    .noneMatch(c -> c.tenant().equals(TENANT));
        }
    }
}
