package dev.casebook.server.memory;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.PendingDistillation;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger over real Lucene stores, the in-process embedder and the scripted server: one distillation at a time,
 * cases rated while one runs coalesced into the next, the family's insight revised in place, unrated and synthetic
 * cases outside the family.
 */
class InsightTriggerTest {
    static final Embedder EMBEDDER = InProcessEmbedder.shared();
    static final String REPLY = """
            <think>All of them multiply by the exact factor.</think>
            Sure. ```json
            {"family": "mile conversions", "insight": "Multiply miles by 1.609344 to get kilometres."}
            ```""";

    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @TempDir
    Path dir;

    LuceneCaseStore cases;
    LuceneInsightStore insights;
    MemoryWriter writer;
    InsightTrigger trigger;
    AgentMemory memory;
    LlmClient client;

    @BeforeEach
    void open() {
        EmbeddingSpace space = new EmbeddingSpace(EMBEDDER.modelId(), EMBEDDER.dimension());
        cases = LuceneCaseStore.open(dir.resolve("cases"), space);
        insights = LuceneInsightStore.open(dir.resolve("insights"), space);
        writer = new MemoryWriter(cases, 0.95, MemoryWriter.Banks.ALL_WRITABLE);
        memory = new AgentMemory(EMBEDDER, cases, Map.of("similarity", new SimilarityPolicy(cases,
                SimilarityPolicy.Settings.DEFAULT)), "similarity", writer, Set.of());
        client = LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                "distiller", Duration.ofSeconds(30), 0, null, null, null, null, null, null, null));
        trigger = newTrigger();
    }

    InsightTrigger newTrigger() {
        return new InsightTrigger(memory, insights, new InsightDistiller(InsightDistiller.Chat.of(client,
                Duration.ofSeconds(30)), 5), new FamilyRule(0.6, 3), meters);
    }

    @AfterEach
    void close() {
        trigger.close();
        insights.close();
        cases.close();
        llm.close();
    }

    UUID write(String task, double reward, Rater rater, CaseSource source) {
        return writer.remember(new MemoryWriter.Episode("episode-" + task, "acme", task, EMBEDDER.embed(task),
                "multiply by 1.609344", "done", reward, rater, source, "", null, List.of())).value().id();
    }

    final List<String> family = List.of("Convert 3 miles to kilometres.", "How many kilometres are 40 miles?",
            "Convert 12 miles into kilometres.", "Express 7 miles in kilometres.");

    @Test
    void cases_rated_while_a_distillation_runs_wait_and_are_covered_by_one_more_that_revises_the_insight()
            throws Exception {
        Gate gate = new Gate();
        llm.when(Match.interaction("distil")).times(1).reply(Reply.text(REPLY).heldBy(gate));
        llm.when(Match.interaction("distil")).reply(Reply.text(REPLY));
        List<UUID> ids = new ArrayList<>();
        for (String task : family) {
            ids.add(write(task, 1, Rater.FEEDBACK, CaseSource.REAL));
        }

        trigger.rated("acme", ids.get(0));
        eventually("the first distillation in flight", gate::waiting, waiting -> waiting == 1);
        for (UUID id : ids.subList(1, ids.size())) {
            trigger.rated("acme", id);
        }
        assertThat(llm.requests(Match.interaction("distil"))).as("one at a time").hasSize(1);
        gate.open();
        eventually("the queue drained", trigger::pending, pending -> pending == 0);

        assertThat(llm.requests(Match.interaction("distil"))).as("the three queued cases share one more call")
                .hasSize(2);
        assertThat(llm.requests(Match.interaction("distil")).getLast().lastUserMessage())
                .contains("The lesson learned from this family before", "Multiply miles by 1.609344");
        List<Insight> stored = insights.list("acme");
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst().members()).isEqualTo(4);
        assertThat(stored.getFirst().evidence()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(trigger.count(InsightTrigger.Result.DISTILLED)).isEqualTo(2);
    }

    @Test
    void an_insight_deleted_while_its_revision_runs_is_not_written_back() {
        Gate gate = new Gate();
        llm.when(Match.interaction("distil")).times(1).reply(Reply.text(REPLY));
        llm.when(Match.interaction("distil")).reply(Reply.text(REPLY).heldBy(gate));
        List<UUID> ids = new ArrayList<>();
        for (String task : family) {
            ids.add(write(task, 1, Rater.FEEDBACK, CaseSource.REAL));
        }
        trigger.rated("acme", ids.get(0));
        eventually("the first insight", () -> insights.list("acme"), stored -> stored.size() == 1);
        eventually("the queue drained", trigger::pending, pending -> pending == 0);
        UUID id = insights.list("acme").getFirst().id();

        trigger.rated("acme", ids.get(1));
        eventually("the revision in flight", gate::waiting, waiting -> waiting == 1);
        assertThat(insights.delete("acme", id)).isTrue();
        gate.open();
        eventually("the queue drained", trigger::pending, pending -> pending == 0);

        assertThat(insights.list("acme")).as("the operator's deletion stands").isEmpty();
        assertThat(trigger.count(InsightTrigger.Result.DECLINED)).isEqualTo(1);
        assertThat(trigger.count(InsightTrigger.Result.DISTILLED)).isEqualTo(1);
    }

    @Test
    void distillations_queued_when_the_server_stops_are_queued_again_at_its_next_start() {
        Gate gate = new Gate();
        llm.when(Match.interaction("distil")).times(1).reply(Reply.text(REPLY).heldBy(gate));
        llm.when(Match.interaction("distil")).reply(Reply.text(REPLY));
        List<UUID> ids = new ArrayList<>();
        for (String task : family) {
            ids.add(write(task, 1, Rater.FEEDBACK, CaseSource.REAL));
        }
        trigger.rated("acme", ids.get(0));
        eventually("the first distillation in flight", gate::waiting, waiting -> waiting == 1);
        trigger.rated("acme", ids.get(1));
        assertThat(insights.pending()).extracting(PendingDistillation::caseId).containsExactly(ids.get(0), ids.get(1));

        trigger.close(); // the server stops: the one in flight and the one queued are not done
        trigger = newTrigger();
        int resumed = trigger.resume();
        eventually("the queue drained", trigger::pending, pending -> pending == 0);

        assertThat(resumed).isEqualTo(2);
        List<Insight> stored = insights.list("acme");
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst().evidence()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(insights.pending()).as("done, and the second covered by the first").isEmpty();
        assertThat(llm.requests(Match.interaction("distil"))).as("the held one, then one for both").hasSize(2);
        gate.open();
    }

    @Test
    void a_rater_whose_thread_is_interrupted_still_records_the_pending_distillation_and_leaves_the_store_usable() {
        llm.when(Match.interaction("distil")).reply(Reply.text(REPLY));
        List<UUID> ids = new ArrayList<>();
        for (String task : family) {
            ids.add(write(task, 1, Rater.FEEDBACK, CaseSource.REAL));
        }

        Thread.currentThread().interrupt(); // as a cancelled evaluation's worker would be
        try {
            trigger.rated("acme", ids.get(0));
        } finally {
            Thread.interrupted();
        }
        eventually("the family's insight", () -> insights.list("acme"), stored -> stored.size() == 1);
        eventually("the queue drained", trigger::pending, pending -> pending == 0);

        assertThat(insights.pending()).isEmpty();
        insights.addPending("acme", ids.get(1));
        assertThat(insights.pending()).as("the insight index still takes writes")
                .containsExactly(new PendingDistillation("acme", ids.get(1)));
    }

    @Test
    void unrated_and_synthetic_cases_are_not_members_so_a_family_of_them_is_too_small() {
        UUID rated = write(family.get(0), 1, Rater.FEEDBACK, CaseSource.REAL);
        write(family.get(1), 1, Rater.UNRATED, CaseSource.REAL);
        write(family.get(2), 1, Rater.EXPERIENCE_MODEL, CaseSource.SYNTHETIC);
        write(family.get(3), 0, Rater.SCORER, CaseSource.REAL);

        trigger.rated("acme", rated);
        eventually("the attempt counted", () -> trigger.count(InsightTrigger.Result.TOO_SMALL), n -> n == 1);

        assertThat(llm.requests(Match.interaction("distil"))).isEmpty();
        assertThat(insights.list("acme")).isEmpty();
    }
}
