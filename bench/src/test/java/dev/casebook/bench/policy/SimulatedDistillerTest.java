package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.insight.Insight;
import dev.casebook.server.memory.InsightDistiller;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated distiller, through the real {@link InsightDistiller} prompt: a revision keeps what the family's
 * previous lesson said to avoid (the prompt shows that lesson and asks to revise it), unless its plan now succeeds;
 * {@code --insight-revise=fresh} reads only the tasks shown.
 */
class SimulatedDistillerTest {
    final SimulatedLlm llm = new SimulatedLlm(new SimulatedWorld(32, 8, 4, 5), 1);
    final InsightDistiller distiller = new InsightDistiller(llm::distil, InsightsArm.MAX_SHOWN);

    @AfterEach
    void close() {
        llm.close();
    }

    static InsightDistiller.Member member(int n, int planFamily, boolean success) {
        return new InsightDistiller.Member(new UUID(0, n), "task " + n, SimulatedWorld.plan(planFamily),
                success ? "right" : "wrong", success, new float[] {1, 0});
    }

    Insight distil(List<InsightDistiller.Member> members, Insight previous) throws InterruptedException {
        return ((InsightDistiller.Outcome.Distilled) distiller.distil(SimulatedWorld.TENANT, "default", members,
                previous)).insight();
    }

    @Test
    void a_revision_keeps_the_plans_the_previous_lesson_avoided_unless_they_now_succeed()
            throws InterruptedException {
        Insight first = distil(List.of(member(1, 3, true), member(2, 5, false), member(3, 6, false)), null);
        assertThat(first.text()).isEqualTo("For tasks like these, do: plan for family 3; avoid: plan for family 5, "
                + "plan for family 6.");

        Insight revised = distil(List.of(member(4, 6, true), member(5, 6, true), member(6, 7, false)), first);

        assertThat(revised.text()).isEqualTo("For tasks like these, do: plan for family 6; avoid: plan for family 5, "
                + "plan for family 7.");
    }

    @Test
    void a_fresh_revision_reads_only_the_tasks_shown() throws InterruptedException {
        llm.reviseKeepsAvoided = false;
        Insight first = distil(List.of(member(1, 3, true), member(2, 5, false)), null);

        Insight revised = distil(List.of(member(4, 3, true), member(6, 7, false)), first);

        assertThat(revised.text()).isEqualTo("For tasks like these, do: plan for family 3; avoid: plan for family 7.");
    }
}
