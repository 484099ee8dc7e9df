package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.learned.Exploration;
import dev.casebook.memory.policy.learned.ExplorationPreset;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@code casebook.memory.policy=learned} makes the learned policy the default; a bad checkpoint falls back. */
class LearnedPolicyWiringIT {

    private static ConfigurableApplicationContext start(String policy, Path checkpoints) {
        return start(policy, checkpoints, "learned-" + UUID.randomUUID(), "target/cases-" + UUID.randomUUID());
    }

    private static ConfigurableApplicationContext start(String policy, Path checkpoints, String database,
            String cases, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1",
                "--casebook.memory.store=lucene",
                "--casebook.memory.dir=" + cases,
                "--casebook.memory.policy=" + policy,
                "--casebook.memory.learned.checkpoint-dir=" + checkpoints));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(CasebookApplication.class).run(args.toArray(String[]::new));
    }

    private static ConfigurableApplicationContext startExploring(String... settings) throws Exception {
        return start("learned", Files.createTempDirectory("learned-wiring"), "learned-" + UUID.randomUUID(),
                "target/cases-" + UUID.randomUUID(), settings);
    }

    @Test
    void the_learned_policy_is_the_default_when_configured() throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        try (ConfigurableApplicationContext context = start("learned", checkpoints)) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            assertThat(memory.defaultPolicy()).isEqualTo("learned");
            assertThat(memory.policies()).containsKeys("learned", "similarity");
            LearnedPolicy learned = (LearnedPolicy) memory.policies().get("learned");
            assertThat(learned.status().learning()).isTrue();
        }
    }

    @Test
    void the_policy_explores_by_softmax_unless_configured() throws Exception {
        try (ConfigurableApplicationContext context = startExploring()) {
            assertThat(context.getBean(LearnedPolicy.class).settings().exploration())
                    .isEqualTo(Exploration.SOFTMAX);
        }
    }

    @Test
    void the_configured_exploration_over_clusters_is_the_one_the_policy_selects_with() throws Exception {
        try (ConfigurableApplicationContext context = startExploring(
                "--casebook.memory.learned.exploration=thompson-local-top-clusters",
                "--casebook.memory.learned.cluster-threshold=0.8")) {
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            assertThat(learned.settings().exploration()).isEqualTo(
                    ExplorationPreset.THOMPSON_LOCAL_TOP_CLUSTERS.exploration(0.8));
            AgentMemory memory = context.getBean(AgentMemory.class);
            memory.store().add(Case.of("acme", "How many legs does a spider have?", "count", "8", 1,
                    CaseSource.REAL), memory.embedder().embed("How many legs does a spider have?"));
            String text = "How many legs do two spiders have?";
            assertThat(learned.select(new SelectionRequest(text, memory.embedder().embed(text),
                    CaseFilter.tenant("acme"), 4))).hasSize(1);
        }
    }

    @Test
    void an_unknown_exploration_stops_the_server_naming_the_known_ones() {
        assertThatThrownBy(() -> startExploring("--casebook.memory.learned.exploration=ucb"))
                .rootCause().hasMessage("casebook.memory.learned.exploration: unknown exploration 'ucb'; known:"
                        + " softmax, thompson, thompson-local-top, thompson-local-top-clusters");
    }

    @Test
    void observed_rewards_are_kept_with_the_run_records_and_reloaded_at_start() throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        String database = "learned-" + UUID.randomUUID();
        String cases = "target/cases-" + UUID.randomUUID();
        try (ConfigurableApplicationContext context = start("learned", checkpoints, database, cases)) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            float[] state = memory.embedder().embed("What is the capital of France?");
            memory.store().add(dev.casebook.memory.Case.of("acme", "What is the capital of Italy?", "look it up",
                    "Rome", 1, dev.casebook.memory.CaseSource.REAL), memory.embedder().embed(
                    "What is the capital of Italy?"));
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            var selected = learned.select(new dev.casebook.memory.policy.SelectionRequest("What is the capital of"
                    + " France?", state, dev.casebook.memory.CaseFilter.tenant("acme"), 4));
            assertThat(selected).hasSize(1);
            learned.observe(state, selected, 1);
            assertThat(learned.awaitTrainingIdle(Duration.ofMinutes(1))).isTrue();
            assertThat(context.getBean(JdbcTemplate.class)
                    .queryForList("SELECT tenant FROM policy_replay", String.class)).containsExactly("acme");
        }
        try (ConfigurableApplicationContext restarted = start("learned", checkpoints, database, cases)) {
            LearnedPolicy learned = restarted.getBean(LearnedPolicy.class);
            assertThat(learned.status().replayExamples()).isEqualTo(1);

            assertThat(learned.forget("globex")).isZero();
            assertThat(learned.forget("acme")).isEqualTo(1);
            assertThat(learned.status().replayExamples()).isZero();
            assertThat(restarted.getBean(JdbcTemplate.class)
                    .queryForObject("SELECT COUNT(*) FROM policy_replay", Integer.class)).isZero();
        }
    }

    @Test
    void a_late_reward_is_learned_with_the_counts_the_policy_saw_when_it_selected() throws Exception {
        try (ConfigurableApplicationContext context = start("learned", Files.createTempDirectory("learned-wiring"))) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            String text = "How many legs do two spiders have?";
            Case stored = memory.store().add(Case.of("acme", "How many legs does a spider have?", "count",
                    "8", 1, CaseSource.REAL), memory.embedder().embed("How many legs does a spider have?"));
            memory.store().recordUse("acme", stored.id(), true);
            memory.store().recordUse("acme", stored.id(), false);
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            SelectedCase selected = learned.select(new SelectionRequest(text, memory.embedder().embed(text),
                    CaseFilter.tenant("acme"), 4)).getFirst();
            assertThat(selected.value().uses()).isEqualTo(2);
            assertThat(selected.value().successes()).isEqualTo(1);
            // the episode is written: its use is counted, then the late reward makes it a success
            memory.store().recordUse("acme", stored.id(), false);
            MemoryFeedback.Credit credit = MemoryFeedback.Credit.of(new Step.CasesSelected.Pick(stored.id(),
                    selected.score(), "example", stored.task(), "positive", selected.value().uses(),
                    selected.value().successes()));

            context.getBean(MemoryFeedback.class).apply(new MemoryFeedback.Rating("acme", "task-1", text, null,
                    dev.casebook.memory.MemoryMode.READ_WRITE, "learned", null, List.of(credit)), 1.0,
                    dev.casebook.memory.Rater.FEEDBACK);

            assertThat(memory.store().get("acme", stored.id()).orElseThrow().successes()).isEqualTo(2);
            assertThat(learned.awaitTrainingIdle(Duration.ofMinutes(1))).isTrue();
            assertThat(context.getBean(JdbcTemplate.class).queryForMap(
                    "SELECT uses, successes, reward FROM policy_replay")).containsEntry("USES", 2)
                    .containsEntry("SUCCESSES", 1).containsEntry("REWARD", 1.0);
        }
    }

    @Test
    void a_corrupt_checkpoint_leaves_the_server_up_selecting_by_similarity() throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        Files.writeString(checkpoints.resolve("q-network.json"), "{");
        try (ConfigurableApplicationContext context = start("learned", checkpoints)) {
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            assertThat(learned.status().learning()).isFalse();
            assertThat(learned.status().fallbackReason()).startsWith("refusing checkpoint " + checkpoints
                    + ": corrupt header q-network.json");
        }
    }

    @Test
    void a_checkpoint_of_the_layout_before_the_source_features_is_refused_and_the_server_selects_by_similarity()
            throws Exception {
        Path checkpoints = Files.createTempDirectory("learned-wiring");
        String header = "{\"format\": \"casebook-q-network\", \"embeddingModel\": \""
                + dev.casebook.memory.embedding.InProcessEmbedder.MODEL_ID + "\", \"dimension\": 384,"
                + " \"featureLayout\": 2, \"hidden\": 128, \"steps\": 5120, \"parameters\": \"q-network-old.params\","
                + " \"sha256\": \"00\", \"savedAt\": \"2026-11-01T00:00:00Z\"}";
        Files.writeString(checkpoints.resolve("q-network.json"), header);
        try (ConfigurableApplicationContext context = start("learned", checkpoints)) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            assertThat(learned.status().learning()).isFalse();
            assertThat(learned.status().fallbackReason()).isEqualTo("refusing checkpoint " + checkpoints
                    + ": it uses feature layout version 2 but this build uses version 3 (an older checkpoint: layout"
                    + " 3 added the case's source and confirmed bit to the features; the policy selects by"
                    + " similarity until the checkpoint directory is emptied, then a new network learns from"
                    + " there)");
            memory.store().add(Case.of("acme", "How many legs does a spider have?", "count", "8", 1,
                    CaseSource.REAL), memory.embedder().embed("How many legs does a spider have?"));
            memory.store().add(Case.of("acme", "What is the capital of Italy?", "look it up", "Rome", 1,
                    CaseSource.REAL), memory.embedder().embed("What is the capital of Italy?"));
            String text = "How many legs do two spiders have?";
            SelectionRequest request = new SelectionRequest(text, memory.embedder().embed(text),
                    CaseFilter.tenant("acme"), 2, memory.syntheticPrior());
            assertThat(learned.select(request)).isEqualTo(memory.policies().get("similarity").select(request));
        }
        assertThat(Files.readString(checkpoints.resolve("q-network.json"))).isEqualTo(header);
    }

    @Test
    void a_dream_reward_trains_the_policy_with_the_policy_weight_and_weight_zero_leaves_it_untrained()
            throws Exception {
        try (ConfigurableApplicationContext context = start("learned", Files.createTempDirectory("learned-wiring"))) {
            AgentMemory memory = context.getBean(AgentMemory.class);
            assertThat(memory.syntheticPrior()).isEqualTo(0.9);
            Case dreamed = memory.store().add(Case.of("acme", "How many legs does a spider have?", "count", "8", 1,
                    CaseSource.SYNTHETIC), memory.embedder().embed("How many legs does a spider have?"));
            MemoryFeedback.Credit credit = MemoryFeedback.Credit.of(new Step.CasesSelected.Pick(dreamed.id(), 0.9,
                    "example", dreamed.task(), "positive", 0, 0));
            MemoryFeedback feedback = context.getBean(MemoryFeedback.class);
            LearnedPolicy learned = context.getBean(LearnedPolicy.class);
            String text = "How many legs do two spiders have?";

            feedback.apply(new MemoryFeedback.Rating("acme", "dream-1", text, null,
                    dev.casebook.memory.MemoryMode.READ_WRITE,
                    "learned", null, List.of(credit), CaseSource.SYNTHETIC), 1.0,
                    dev.casebook.memory.Rater.EXPERIENCE_MODEL, 0.25);
            feedback.apply(new MemoryFeedback.Rating("acme", "dream-2", text, null,
                    dev.casebook.memory.MemoryMode.READ_WRITE,
                    "learned", null, List.of(credit), CaseSource.SYNTHETIC), 1.0,
                    dev.casebook.memory.Rater.EXPERIENCE_MODEL, 0);

            assertThat(learned.awaitTrainingIdle(Duration.ofMinutes(1))).isTrue();
            assertThat(context.getBean(JdbcTemplate.class).queryForList(
                    "SELECT case_source || ':' || weight FROM policy_replay", String.class))
                    .containsExactly("synthetic:0.25");
            assertThat(memory.store().get("acme", dreamed.id()).orElseThrow())
                    .extracting(Case::uses, Case::successes, Case::confirmed).containsExactly(0, 0, false);
        }
    }

    @Test
    void the_similarity_default_creates_no_learned_policy() throws Exception {
        try (ConfigurableApplicationContext context = start("similarity", Files.createTempDirectory("unused"))) {
            assertThat(context.getBeansOfType(LearnedPolicy.class)).isEmpty();
            assertThat(context.getBean(AgentMemory.class).defaultPolicy()).isEqualTo("similarity");
        }
    }
}
