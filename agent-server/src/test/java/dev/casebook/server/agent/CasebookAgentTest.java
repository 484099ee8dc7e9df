package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.builtin.CalculatorTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent without Spring: one task end to end (case selection, plan, a calculator call, answer, the episode written
 * as a case) with the real LangChain4j client against the scripted LLM server, a Lucene store in a temporary directory
 * and the in-process embedder. The model's replies are messy as real ones are: reasoning blocks and prose around
 * fenced JSON.
 */
class CasebookAgentTest {
    static final Embedder EMBEDDER = InProcessEmbedder.shared();
    static final String TASK = "What is 17*23?";
    static final String PAST_TASK = "What is 17*24?";

    @TempDir
    Path dir;
    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    final List<Step> steps = new ArrayList<>();
    LuceneCaseStore store;
    Case past;

    @BeforeEach
    void open() {
        store = LuceneCaseStore.open(dir, new EmbeddingSpace(EMBEDDER.modelId(), EMBEDDER.dimension()));
        past = Case.of("acme", PAST_TASK, "{\"subtasks\": [\"Compute 17*24 with the calculator\"]}",
                "FINAL ANSWER: 408", 1, CaseSource.REAL);
        store.add(past, EMBEDDER.embed(PAST_TASK));
    }

    @AfterEach
    void close() {
        store.close();
        llm.close();
    }

    CasebookAgent agent() {
        ModelSettings.Role role = new ModelSettings.Role("openai", llm.baseUrl(), "k", "scripted",
                Duration.ofSeconds(60), 0, null);
        AgentMemory memory = new AgentMemory(EMBEDDER, store,
                Map.of("similarity", new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT)), "similarity",
                new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE), Set.of());
        return new CasebookAgent(Models.of(role, role, role), new Toolbox(List.of(new CalculatorTool())), memory,
                AgentSettings.DEFAULT);
    }

    @Test
    void plans_calls_a_tool_answers_and_writes_the_episode_as_a_case_from_messy_replies() {
        llm.when(Match.interaction("plan")).reply(Reply.text("""
                Sure! Here is my plan:
                ```json
                {"subtasks": ["Compute 17*23 with the calculator"]}
                ```
                Let me know if you need anything else.""")
                .withReasoning("The past case did 17*24 with the calculator; {\"answer\": \"408\"} would be wrong."));
        llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}"));
        llm.when(Match.interaction("execute").and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())
                        .withReasoning("The calculator answered; report it.")));
        llm.when(Match.interaction("replan")).reply(Reply.text("""
                <think>The subtask found 391. {"subtasks": ["check again"]}? No, it is done.</think>
                The calculator settles it.
                ```json
                {"answer": "FINAL ANSWER: 391"}
                ```"""));

        TaskSpec spec = TaskSpec.of("t1", "acme", TASK).withMemoryMode(MemoryMode.READ_WRITE);
        Outcome outcome = agent().run(spec, steps::add);

        assertThat(outcome).isInstanceOf(Outcome.Answered.class);
        Outcome.Answered answered = (Outcome.Answered) outcome;
        assertThat(answered.answer()).isEqualTo("391");
        assertThat(answered.selected()).extracting(Step.CasesSelected.Pick::caseId).containsExactly(past.id());

        LlmRequest plan = llm.requests(Match.interaction("plan")).getFirst();
        assertThat(plan.allText()).as("the planner is shown the past case").contains(PAST_TASK, "408");
        assertThat(steps).filteredOn(Step.Planned.class::isInstance).map(Step.Planned.class::cast)
                .first().satisfies(p -> {
                    assertThat(p.subtasks()).containsExactly("Compute 17*23 with the calculator");
                    assertThat(p.llm().reasoning()).contains("The past case did 17*24");
                });
        assertThat(steps).filteredOn(Step.ToolReturned.class::isInstance).map(Step.ToolReturned.class::cast)
                .singleElement().satisfies(r -> {
                    assertThat(r.tool()).isEqualTo(CalculatorTool.NAME);
                    assertThat(r.ok()).isTrue();
                    assertThat(r.result()).contains("391");
                });
        assertThat(steps).filteredOn(Step.Answered.class::isInstance).map(Step.Answered.class::cast)
                .singleElement().satisfies(a -> assertThat(a.rawText()).isEqualTo("FINAL ANSWER: 391"));

        Step.MemoryWritten written = steps.stream().filter(Step.MemoryWritten.class::isInstance)
                .map(Step.MemoryWritten.class::cast).findFirst().orElseThrow();
        assertThat(answered.caseId()).isEqualTo(written.caseId()).isEqualTo(CasebookAgent.caseId(spec));
        assertThat(written.credited()).containsExactly(past.id());
        Case stored = store.get("acme", written.caseId()).orElseThrow();
        assertThat(stored.task()).isEqualTo(TASK);
        assertThat(stored.answer()).isEqualTo("391");
        assertThat(stored.plan()).contains("Compute 17*23 with the calculator").doesNotContain("<think>");
        assertThat(stored.source()).isEqualTo(CaseSource.REAL);
        assertThat(llm.unmatched()).isEmpty();
    }
}
