package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.bench.policy.InsightsArm.Outcome;
import dev.casebook.memory.insight.FamilyRule;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's server trigger on hand-made episodes: a rated episode's family is distilled exactly when the
 * server's rule says (at least 3 rated real cases within cosine 0.8 of its task, one a success), on every such rating,
 * and near-duplicates (cosine 0.95, the server's writer) merge into one case that counts once.
 */
class ServerTriggerTest {
    static final int DIM = 8;

    final SimulatedLlm llm = new SimulatedLlm(new SimulatedWorld(32, 8, 4, 5), 1);

    @TempDir
    Path dir;

    InsightsArm arm;

    @BeforeEach
    void open() {
        arm = new InsightsArm(dir.resolve("insights"), DIM, llm,
                new ServerTrigger(dir.resolve("episodes"), DIM, FamilyRule.DEFAULT, 0.95));
    }

    @AfterEach
    void close() {
        arm.close();
        llm.close();
    }

    /** A unit vector with cosine {@code cosine} to axis {@code around}, the rest along axis {@code aside}. */
    static float[] at(int around, double cosine, int aside) {
        float[] v = new float[DIM];
        v[around] = (float) cosine;
        v[aside] = (float) Math.sqrt(1 - cosine * cosine);
        return v;
    }

    Outcome episode(long id, float[] task, int planFamily, boolean success) throws InterruptedException {
        return arm.record(id, task, SimulatedWorld.plan(planFamily), success);
    }

    @Test
    void a_family_is_distilled_at_each_rating_once_it_has_three_rated_members_within_cosine_0_8()
            throws InterruptedException {
        // three tasks of a family around axis 0, pairwise cosine 0.95 * 0.95 = 0.9025 (no near-duplicates)
        assertThat(episode(1, at(0, 0.95, 1), 3, true)).isEqualTo(Outcome.TOO_SMALL);
        assertThat(episode(2, at(0, 0.95, 2), 5, false)).isEqualTo(Outcome.TOO_SMALL);
        // cosine 0.95 * 0.83 = 0.7885 with both: not of their family, nor they of its
        assertThat(episode(3, at(0, 0.83, 3), 3, true)).isEqualTo(Outcome.TOO_SMALL);
        assertThat(arm.lookup(at(0, 1, 1))).isEmpty();
        // cosine 0.95 * 0.85 = 0.8075 with the first two (0.7055 with the third): a family of three, one a success
        assertThat(episode(4, at(0, 0.85, 4), 5, false)).isEqualTo(Outcome.DISTILLED);
        assertThat(arm.lookup(at(0, 1, 1))).containsExactly(
                "For tasks like these, do: plan for family 3; avoid: plan for family 5.");
        // the first task again merges into its case (the writer's near-duplicates): the family is still three cases,
        // and the rating distils it again, revising the family's one insight
        assertThat(episode(5, at(0, 0.95, 1), 3, true)).isEqualTo(Outcome.DISTILLED);
        assertThat(arm.families()).as("cases").isEqualTo(4);
        assertThat(arm.lookup(at(0, 1, 1))).hasSize(1);
        assertThat(arm.distillations()).isEqualTo(2);
        assertThat(arm.tooSmall()).isEqualTo(3);
    }

    @Test
    void a_family_of_failures_only_is_declined_and_a_near_duplicate_adds_no_member() throws InterruptedException {
        assertThat(episode(1, at(5, 0.95, 6), 2, false)).isEqualTo(Outcome.TOO_SMALL);
        // cosine 0.995 with the first: the same case
        assertThat(episode(2, nudged(at(5, 0.95, 6)), 2, false)).isEqualTo(Outcome.TOO_SMALL);
        assertThat(episode(3, at(5, 0.95, 7), 2, false)).isEqualTo(Outcome.TOO_SMALL);
        assertThat(episode(4, at(5, 0.95, 1), 2, false)).isEqualTo(Outcome.DECLINED);
        assertThat(arm.families()).as("cases").isEqualTo(3);
        assertThat(arm.lookup(at(5, 1, 6))).isEmpty();
    }

    @Test
    void the_trigger_option_is_server_or_every_5() {
        assertThat(InsightsArm.Trigger.parse("server")).isEqualTo(InsightsArm.Trigger.SERVER);
        assertThat(InsightsArm.Trigger.parse("every-5")).isEqualTo(InsightsArm.Trigger.EVERY_5);
        assertThatThrownBy(() -> InsightsArm.Trigger.parse("every-6"))
                .hasMessage("--insight-trigger must be server or every-5, was 'every-6'");
    }

    /** The vector turned slightly towards axis 2 (cosine about 0.995 with it). */
    static float[] nudged(float[] v) {
        float[] w = v.clone();
        w[2] += 0.1f;
        return SimulatedWorld.unit(w);
    }
}
