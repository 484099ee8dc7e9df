package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.embedding.Vectors;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Toolbox;
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
 * The planner sees the insights of the task's family in a section of their own, found by the family's centroid (real
 * Lucene stores, the in-process embedder, the planner behind the scripted OpenAI-compatible server).
 */
class InsightsPromptTest {
    static final Embedder EMBEDDER = InProcessEmbedder.shared();
    static final String TASK = "Convert 12 miles to kilometres.";
    static final List<String> FAMILY = List.of("Convert 3 miles to kilometres.", "How many kilometres are 40 miles?",
            "Express 7.5 miles in km.");
    static final String LESSON = "Multiply miles by 1.609344 exactly; avoid the rounded factor 1.6.";

    @TempDir
    Path dir;
    LuceneCaseStore cases;
    LuceneInsightStore insights;
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    final List<Step> steps = new ArrayList<>();
    Insight conversions;
    Insight poems;

    @BeforeEach
    void open() {
        EmbeddingSpace space = new EmbeddingSpace(EMBEDDER.modelId(), EMBEDDER.dimension());
        cases = LuceneCaseStore.open(dir.resolve("cases"), space);
        insights = LuceneInsightStore.open(dir.resolve("insights"), space);
        cases.add(Case.of("acme", "Convert 5 miles to kilometres.", "{\"subtasks\":[\"multiply by 1.6\"]}", "8",
                1, CaseSource.REAL), EMBEDDER.embed("Convert 5 miles to kilometres."));
        conversions = insights.save(Insight.of("acme", "default", "mile to kilometre conversions", LESSON,
                Insight.centroidOf(FAMILY.stream().map(EMBEDDER::embed).toList()), FAMILY.size(), 5, 2,
                List.of(UUID.randomUUID())));
        poems = insights.save(Insight.of("acme", "default", "short poems", "Keep to the requested metre.",
                Insight.centroidOf(List.of(EMBEDDER.embed("Write a haiku about autumn leaves."))), 1, 3, 0,
                List.of()));
        llm.when(Match.interaction("plan")).reply(Reply.text("{\"answer\": \"19.31\"}"));
    }

    @AfterEach
    void close() {
        llm.close();
        insights.close();
        cases.close();
    }

    private String planPrompt(AgentInsights agentInsights) throws Exception {
        AgentMemory memory = new AgentMemory(EMBEDDER, cases,
                Map.of("similarity", new SimilarityPolicy(cases, SimilarityPolicy.Settings.DEFAULT)), "similarity",
                new MemoryWriter(cases, 0.95, MemoryWriter.Banks.ALL_WRITABLE), Set.of(), SourceGate.OPEN,
                agentInsights);
        Run run = new Run(TaskSpec.of("t-" + UUID.randomUUID(), "acme", TASK).withMemoryMode(MemoryMode.READ_ONLY),
                steps::add);
        Selection selection = new CaseSelectionStep(memory, 4).select(run);
        LlmClient planner = LlmClient.of(dev.casebook.server.llm.ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                "planner-" + UUID.randomUUID(), Duration.ofSeconds(10), 0, null, null, null, null, null, null, null));
        new PlanStep(planner, 1, 8, new Toolbox(List.of())).plan(run, selection);
        return llm.requests(Match.interaction("plan")).getLast().lastUserMessage();
    }

    @Test
    void shows_the_insight_of_the_task_family_in_its_own_section_after_the_cases() throws Exception {
        String prompt = planPrompt(new AgentInsights(insights, 2, 0.5));

        assertThat(prompt).contains("Examples to follow", "Convert 5 miles to kilometres.");
        assertThat(prompt).contains(InsightsSection.HEADER,
                "- For mile to kilometre conversions: " + LESSON + " (from 5 successful and 2 failed tasks)");
        assertThat(prompt.indexOf(InsightsSection.HEADER)).isGreaterThan(prompt.indexOf("Examples to follow"));
        assertThat(prompt).doesNotContain("Keep to the requested metre.");
    }

    @Test
    void the_family_is_found_by_its_centroid_with_a_threshold() {
        float[] task = EMBEDDER.embed(TASK);

        assertThat(Vectors.cosine(task, conversions.centroid())).isGreaterThan(0.5);
        assertThat(Vectors.cosine(task, poems.centroid())).isLessThan(0.5);
        assertThat(new AgentInsights(insights, 2, -1).find("acme", Set.of(), task)).extracting(Insight::id)
                .containsExactly(conversions.id(), poems.id());
        assertThat(new AgentInsights(insights, 2, 0.5).find("globex", Set.of(), task)).isEmpty();
    }

    @Test
    void shows_no_insights_section_when_insights_are_off() throws Exception {
        String prompt = planPrompt(null);

        assertThat(prompt).contains("Examples to follow").doesNotContain("Insights:").doesNotContain(LESSON);
    }
}
