package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code distil} interaction over the scripted OpenAI-compatible server: what the model is shown, messy replies
 * read, the insight's centroid and evidence, and a distilled insight found again by a new task of its family.
 */
class InsightDistillerTest {
    static final Embedder EMBEDDER = InProcessEmbedder.shared();

    final ScriptedLlmServer llm = ScriptedLlmServer.start();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        llm.close();
    }

    private InsightDistiller distiller(int maxShown) {
        LlmClient client = LlmClient.of(dev.casebook.server.llm.ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                "distiller-" + UUID.randomUUID(), Duration.ofSeconds(10), 0, null, null, null, null, null, null,
                null));
        return new InsightDistiller(InsightDistiller.Chat.of(client, Duration.ofSeconds(10)), maxShown);
    }

    static InsightDistiller.Member member(String task, String plan, boolean success) {
        return new InsightDistiller.Member(UUID.randomUUID(), task, plan, success ? "right" : "wrong", success,
                EMBEDDER.embed(task));
    }

    final List<InsightDistiller.Member> family = List.of(
            member("Convert 3 miles to kilometres.", "multiply by 1.609344", true),
            member("How many kilometres are 40 miles?", "multiply by 1.609344", true),
            member("Express 7.5 miles in km.", "multiply by 1.6", false),
            member("Convert 12 miles into kilometres.", "guess from memory", false),
            member("Convert 100 miles to km.", "multiply by 1.609344", true));

    @Test
    void distils_an_insight_from_a_messy_reply_with_the_family_centroid_and_its_evidence() throws Exception {
        llm.when(Match.interaction("distil")).reply(Reply.text("""
                <think>The successes all use the exact factor; the failures rounded or guessed.</think>
                Here is the lesson:
                ```json
                {"family": "mile to kilometre conversions",
                 "insight": "For mile to km conversions, multiply by 1.609344; avoid 1.6 and guessing.",}
                ```
                Hope this helps."""));

        InsightDistiller.Outcome outcome = distiller(2).distil("acme", "default", family, null);

        Insight insight = ((InsightDistiller.Outcome.Distilled) outcome).insight();
        assertThat(insight.text()).isEqualTo(
                "For mile to km conversions, multiply by 1.609344; avoid 1.6 and guessing.");
        assertThat(insight.family()).isEqualTo("mile to kilometre conversions");
        assertThat(insight.successes()).isEqualTo(2);
        assertThat(insight.failures()).isEqualTo(2);
        assertThat(insight.members()).isEqualTo(5);
        assertThat(insight.evidence()).containsExactly(family.get(0).caseId(), family.get(1).caseId(),
                family.get(2).caseId(), family.get(3).caseId());
        assertThat(insight.centroid()).containsExactly(
                Insight.centroidOf(family.stream().map(InsightDistiller.Member::vector).toList()));
        LlmRequest request = llm.requests(Match.interaction("distil")).getFirst();
        assertThat(request.systemPrompt()).isEqualTo(InsightDistiller.SYSTEM);
        assertThat(request.lastUserMessage())
                .contains("Successful tasks of this family:\n[1] Task: Convert 3 miles to kilometres.")
                .contains("[2] Task: How many kilometres are 40 miles?")
                .contains("Failed tasks of this family:\n[3] Task: Express 7.5 miles in km.\n    Plan: multiply by 1.6")
                .doesNotContain("Convert 100 miles to km.");
    }

    @Test
    void a_distilled_insight_is_found_by_a_new_task_of_its_family() throws Exception {
        llm.when(Match.interaction("distil")).reply(Reply.text(
                "Sure! {\"family\": \"conversions\", \"insight\": \"Use 1.609344.\"}"));
        Insight insight = ((InsightDistiller.Outcome.Distilled) distiller(4).distil("acme", "default", family, null))
                .insight();

        try (LuceneInsightStore store = LuceneInsightStore.open(dir, new EmbeddingSpace(EMBEDDER.modelId(),
                EMBEDDER.dimension()))) {
            store.save(insight);
            assertThat(store.nearest(new InsightQuery("acme", Set.of(),
                    EMBEDDER.embed("Convert 26.2 miles to kilometres."), 1, 0.6)))
                    .extracting(s -> s.value().id()).containsExactly(insight.id());
            assertThat(store.nearest(new InsightQuery("acme", Set.of(),
                    EMBEDDER.embed("Write a haiku about autumn leaves."), 1, 0.6))).isEmpty();
        }
    }

    @Test
    void revises_the_previous_insight_of_the_family_and_shows_it_to_the_model() throws Exception {
        llm.when(Match.interaction("distil")).reply(Reply.text("{\"family\": \"conversions\", \"insight\": \"v2\"}"));
        Insight previous = Insight.of("acme", "default", "conversions", "v1", EMBEDDER.embed("Convert miles."), 1, 1,
                0, List.of());

        Insight revised = ((InsightDistiller.Outcome.Distilled) distiller(4).distil("acme", "default", family,
                previous)).insight();

        assertThat(revised.id()).isEqualTo(previous.id());
        assertThat(revised.text()).isEqualTo("v2");
        assertThat(llm.requests(Match.interaction("distil")).getFirst().lastUserMessage())
                .endsWith("The lesson learned from this family before (revise it with the tasks above; keep what it"
                        + " says to avoid unless a successful task above did it): v1");
    }

    @Test
    void declines_a_reply_without_an_insight() throws Exception {
        llm.when(Match.interaction("distil")).reply(Reply.text("<think>nothing general here</think>"
                + "These tasks have nothing in common, sorry."));

        assertThat(distiller(4).distil("acme", "default", family, null))
                .isEqualTo(new InsightDistiller.Outcome.Declined(
                        "the reply holds no insight: the reply contains no JSON object"));
    }

    @Test
    void declines_a_blank_insight_and_a_family_without_successes() throws Exception {
        llm.when(Match.interaction("distil")).reply(Reply.text("{\"family\": \"\", \"insight\": \"\"}"));

        assertThat(distiller(4).distil("acme", "default", family, null))
                .isEqualTo(new InsightDistiller.Outcome.Declined("the model found no lesson in this family"));
        assertThat(distiller(4).distil("acme", "default", List.of(family.get(2)), null))
                .isEqualTo(new InsightDistiller.Outcome.Declined("the family has no successful case to learn from"));
        assertThat(llm.requests(Match.interaction("distil"))).hasSize(1);
    }

    @Test
    void a_reply_cut_at_the_token_limit_is_not_read_as_an_insight() {
        llm.when(Match.interaction("distil")).reply(Reply.text("<think>The successes all use").truncated());

        assertThatThrownBy(() -> distiller(4).distil("acme", "default", family, null))
                .isInstanceOf(LlmException.class);
    }
}
