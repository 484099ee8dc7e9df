package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.CaseSource;
import dev.casebook.server.CasebookApplication;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.tasks.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The replay buffer on the embedded database with the in-process embedder: what it reads of recorded tasks, that it
 * reads each once, keeps tenants and dreams apart, and stays within its bound.
 */
@SpringBootTest(classes = CasebookApplication.class, properties = {
        "spring.datasource.url=jdbc:h2:mem:replay;DB_CLOSE_DELAY=-1", "casebook.synthesis.replay.max-transitions=3",
        "casebook.synthesis.replay.max-observation-chars=100"})
class ReplayTransitionsIT {
    @Autowired
    TaskStore tasks;
    @Autowired
    ReplayTransitions buffer;

    /** Records a finished task of the tenant whose executor made these calls: tool, arguments, result, ok. */
    String record(String tenant, String text, CaseSource source, List<String[]> calls) {
        TaskSpec spec = TaskSpec.of(UUID.randomUUID().toString(), tenant, text).withMemoryMode(MemoryMode.OFF)
                .withSource(source);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Planned(1, "{}", List.of("do it"), 10, 1));
        for (int i = 0; i < calls.size(); i++) {
            String[] c = calls.get(i);
            steps.add(new Step.ToolCalled(1, "call-" + i, c[0], c[1], 5, 1));
            steps.add(new Step.ToolReturned(1, "call-" + i, c[0], Boolean.parseBoolean(c[3]), c[2], false, 1));
        }
        steps.add(new Step.Answered("done", "FINAL ANSWER: done", false, 3, 1));
        tasks.recordEpisode(spec, steps, new Outcome.Answered("done", false, null, List.of(), 20));
        return spec.id();
    }

    @Test
    void reads_each_real_task_once_pairing_calls_with_results_and_keeps_tenants_and_dreams_apart() {
        String real = record("replay-a", "What is 2+2, and is there news about it?", CaseSource.REAL, List.of(
                new String[] {"calculator", "{\"expression\": \"2+2\"}", "4", "true"},
                new String[] {"web_search", "{\"query\": \"news about 2+2\"}", "y".repeat(300), "false"}));
        record("replay-a", "What is 3+3 in a dream?", CaseSource.SYNTHETIC, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"3+3\"}", "dreamt 6", "true"}));
        record("replay-b", "What is 5+5?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"5+5\"}", "10", "true"}));

        buffer.ingest(); // the background reading may have been first: what counts is what the buffer holds after
        assertThat(buffer.ingest()).isZero();

        List<ReplayTransition> a = buffer.similar("replay-a", "What is 7+7?", "calculator",
                "{\"expression\": \"7+7\"}", 10);
        assertThat(a).extracting(ReplayTransition::tool).containsExactly("calculator", "web_search");
        assertThat(a).allMatch(t -> t.tenant().equals("replay-a") && t.taskId().equals(real));
        ReplayTransition search = a.get(1);
        assertThat(search.ok()).isFalse();
        assertThat(search.history()).isEqualTo("1. calculator {\"expression\": \"2+2\"} -> 4");
        assertThat(search.observation()).isEqualTo("y".repeat(100) + " [cut: 300 characters in all]");
        assertThat(a.get(0).history()).isEqualTo("(none)");
        assertThat(buffer.similar("replay-b", "What is 7+7?", "calculator", "{}", 10))
                .extracting(ReplayTransition::observation).containsExactly("10");
        assertThat(buffer.stats("replay-a").byTool()).containsEntry("calculator", 1L).containsEntry("web_search", 1L);
        assertThat(buffer.stats("replay-a").sourceTasks()).isEqualTo(1);
        assertThat(buffer.stats("replay-a").transitions()).isEqualTo(2);
        assertThat(buffer.stats("replay-b").transitions()).isEqualTo(1);
        assertThat(buffer.similar("replay-c", "What is 7+7?", "calculator", "{}", 10)).isEmpty();
    }

    @Test
    void a_tenant_keeps_only_its_newest_transitions() {
        List<String[]> calls = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            calls.add(new String[] {"calculator", "{\"expression\": \"" + i + "*" + i + "\"}", Integer.toString(i * i),
                    "true"});
        }
        record("replay-bounded", "Square the numbers 1 to 5", CaseSource.REAL, calls);
        record("replay-bounded", "Nothing to compute here", CaseSource.REAL, List.of());

        buffer.ingest();

        assertThat(buffer.stats("replay-bounded").transitions()).isEqualTo(3);
        assertThat(buffer.stats("replay-bounded").sourceTasks()).isEqualTo(2);
        assertThat(buffer.similar("replay-bounded", "Square 6", "calculator", "{\"expression\": \"6*6\"}", 10))
                .extracting(ReplayTransition::observation).containsExactlyInAnyOrder("9", "16", "25");
    }
}
