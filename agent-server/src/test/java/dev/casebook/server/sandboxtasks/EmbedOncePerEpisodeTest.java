package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.AgentSettings;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.CasebookAgent;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.server.memory.ForwardingEmbedder;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Toolbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * An episode embeds its task text once: the vector case selection computed (the state) is the one the case write,
 * the near-duplicate check and the policy's update use. Counted on the real in-process embedder, on a real Lucene
 * store, with the planner a scripted LLM over HTTP.
 */
class EmbedOncePerEpisodeTest {
    static final String TASK = "How many legs does a spider have, counting both sides?";

    /** The in-process embedder, counting the texts it is asked to embed. */
    static final class CountingEmbedder extends ForwardingEmbedder {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        CountingEmbedder() {
            super(InProcessEmbedder.shared());
        }

        int count(String text) {
            AtomicInteger n = counts.get(text);
            return n == null ? 0 : n.get();
        }

        private void counted(String text) {
            counts.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public float[] embed(String text) {
            counted(text);
            return super.embed(text);
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            texts.forEach(this::counted);
            return super.embedAll(texts);
        }
    }

    @TempDir
    Path dir;
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    final CountingEmbedder embedder = new CountingEmbedder();
    LuceneCaseStore store;
    AgentMemory memory;
    ObjectProvider<AgentMemory> provider;

    @BeforeEach
    void open() {
        Embedder plain = InProcessEmbedder.shared();
        store = LuceneCaseStore.open(dir, new EmbeddingSpace(plain.modelId(), plain.dimension()));
        String similar = "How many legs does a spider have?";
        store.add(Case.of("acme", similar, "{}", "8", 1, CaseSource.REAL), plain.embed(similar));
        memory = new AgentMemory(embedder, store,
                Map.of("similarity", new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT)), "similarity",
                new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE), Set.of());
        provider = new StaticListableBeanFactory(Map.of("memory", memory)).getBeanProvider(AgentMemory.class);
        // a messy planner: a reasoning block and prose around the JSON answer
        llm.when(Match.interaction("plan")).reply(Reply.text("<think>Spiders are arachnids.</think>\nHere it is:\n"
                + "{\"answer\": \"Eight.\\nFINAL ANSWER: 8\"}\nHope that helps."));
    }

    @AfterEach
    void close() {
        store.close();
        llm.close();
    }

    CasebookAgent agent() {
        ModelSettings.Role role = new ModelSettings.Role("openai", llm.baseUrl(), "k", "m-" + UUID.randomUUID(),
                Duration.ofSeconds(30), 0, null);
        return new CasebookAgent(Models.of(role, role, role), new Toolbox(List.of()), memory, AgentSettings.DEFAULT);
    }

    TaskSpec spec(MemoryMode mode) {
        return TaskSpec.of("t-" + UUID.randomUUID(), "acme", TASK).withMemoryMode(mode);
    }

    @Test
    void a_group_of_sandbox_rollouts_embeds_its_task_once_for_its_cases_and_every_policy_update() {
        TaskSpec spec = spec(MemoryMode.READ_ONLY); // a read-write job's agent reads; RolloutMemory writes
        Outcome outcome = agent().run(spec, step -> { });
        assertThat(outcome.selected()).isNotEmpty();
        List<MemoryFeedback.Credit> credits = outcome.selected().stream().map(MemoryFeedback.Credit::of).toList();
        RolloutMemory.Member passed = new RolloutMemory.Member("r-1", "{\"answer\": \"8\"}", "8", 1.0, credits);
        RolloutMemory.Member passedToo = new RolloutMemory.Member("r-2", "{\"answer\": \"8\"}", "8", 1.0, credits);
        RolloutMemory.Member failed = new RolloutMemory.Member("r-3", "{\"answer\": \"6\"}", "6", 0.0, credits);

        JobOptions settings = new JobOptions("arithmetic", 1, 3, 1, 1, 1, MemoryMode.READ_WRITE, null, null, null, null,
                null, null, null, null, null);
        SandboxTaskRecords.Job job = new SandboxTaskRecords.Job("job-1", "acme", "job", RunStatus.RUNNING, settings,
                null, Instant.now(), Instant.now(), null, null);
        RolloutMemory.Written written = new RolloutMemory(provider, new MemoryFeedback(provider))
                .remember(job, 0, TASK, List.of(passed, passedToo, failed), passed, failed, "count the legs");

        assertThat(written.positive()).isNotNull();
        assertThat(written.negative()).isNotNull();
        // one embedding for selection (the agent's run) and one for the group: its cases and its three policy updates
        assertThat(embedder.count(TASK)).isEqualTo(2);
    }

    @Test
    void a_scored_read_write_episode_embeds_its_task_once_for_selection_case_write_and_policy() {
        TaskSpec spec = spec(MemoryMode.READ_WRITE);
        Outcome outcome = agent().run(spec, step -> { });
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Answered.class,
                a -> assertThat(a.caseId()).isNotNull());
        assertThat(outcome.selected()).isNotEmpty();

        List<UUID> credited = new MemoryFeedback(provider).apply(spec, outcome, 1.0, Rater.SCORER);

        assertThat(credited).hasSize(1);
        assertThat(embedder.count(TASK)).isEqualTo(1);
    }

    /** A late rating as {@code POST /api/tasks/{id}/feedback} gives it: the task's text and case, no state kept. */
    static MemoryFeedback.Rating lateRating(TaskSpec spec, Outcome outcome, UUID caseId) {
        return new MemoryFeedback.Rating(spec.tenant(), spec.id(), spec.text(), null, MemoryMode.READ_WRITE, null,
                caseId.toString(), outcome.selected().stream().map(MemoryFeedback.Credit::of).toList());
    }

    @Test
    void a_late_rating_reuses_the_vector_of_the_case_the_episode_wrote_instead_of_embedding_the_text_again() {
        TaskSpec spec = spec(MemoryMode.READ_WRITE);
        Outcome outcome = agent().run(spec, step -> { });
        UUID caseId = ((Outcome.Answered) outcome).caseId();
        assertThat(store.get("acme", caseId)).get().extracting(Case::task).isEqualTo(TASK);
        assertThat(outcome.selected()).isNotEmpty();
        assertThat(embedder.count(TASK)).isEqualTo(1);

        List<UUID> credited = new MemoryFeedback(provider).apply(lateRating(spec, outcome, caseId), 1.0,
                Rater.FEEDBACK);

        assertThat(credited).hasSize(1);
        assertThat(store.history("acme", caseId)).extracting(e -> e.rater()).contains(Rater.FEEDBACK);
        assertThat(embedder.count(TASK)).isEqualTo(1);
    }

    @Test
    void a_late_rating_whose_case_holds_another_text_embeds_the_task_text_again() {
        TaskSpec spec = spec(MemoryMode.READ_WRITE);
        Outcome outcome = agent().run(spec, step -> { });
        String other = "How many legs do two spiders have together?";
        Case nearDuplicate = store.add(Case.of("acme", other, "{}", "16", 1, CaseSource.REAL),
                InProcessEmbedder.shared().embed(other));
        int before = embedder.count(TASK);

        new MemoryFeedback(provider).apply(lateRating(spec, outcome, nearDuplicate.id()), 1.0, Rater.FEEDBACK);

        // the case's vector is another text's: the policy learns from the task's own embedding
        assertThat(embedder.count(TASK)).isEqualTo(before + 1);
    }
}
