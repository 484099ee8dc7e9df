package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The simulator's rules for insights, as docs/policy.md states them. */
class SimulatedWorldTest {
    final SimulatedWorld world = new SimulatedWorld(32, 8, 4, 5);

    List<UUID> lookAlikesOf(int family) {
        return world.cases().stream().map(Case::id).filter(id -> world.truth(id).family() != family)
                .filter(id -> world.cases().stream().filter(c -> c.id().equals(id))
                        .anyMatch(c -> c.task().startsWith("look-alike of " + family + " ")))
                .limit(4).toList();
    }

    @Test
    void an_insight_naming_the_family_s_solution_helps_as_a_helpful_example_does() {
        assertThat(world.successProbability(5, List.of(), List.of("For tasks like these, do: plan for family 5.")))
                .isEqualTo(SimulatedWorld.BASE + SimulatedWorld.HELP);
        assertThat(world.successProbability(5, List.of(), List.of("For tasks like these, do: plan for family 6.")))
                .isEqualTo(SimulatedWorld.BASE - SimulatedWorld.MISLEAD);
    }

    @Test
    void look_alikes_an_insight_says_to_avoid_no_longer_mislead_unless_the_ablation_is_on() {
        List<UUID> lookAlikes = lookAlikesOf(0);
        String avoid = "For tasks like these, do: plan for family 0; avoid: " + String.join(", ", lookAlikes.stream()
                .map(id -> SimulatedWorld.plan(world.truth(id).family())).distinct().toList()) + ".";

        assertThat(lookAlikes).isNotEmpty();
        assertThat(world.successProbability(0, lookAlikes, List.of()))
                .isEqualTo(SimulatedWorld.BASE - SimulatedWorld.MISLEAD);
        assertThat(world.successProbability(0, lookAlikes, List.of(avoid)))
                .isEqualTo(SimulatedWorld.BASE + SimulatedWorld.HELP);
        world.avoidApplies = false;
        assertThat(world.successProbability(0, lookAlikes, List.of(avoid)))
                .isEqualTo(SimulatedWorld.BASE + SimulatedWorld.HELP - SimulatedWorld.MISLEAD);
    }

    @Test
    void an_episode_s_plan_is_the_solution_when_it_succeeds_else_the_first_example_s() {
        List<UUID> lookAlikes = lookAlikesOf(1);

        assertThat(world.planOf(1, true, lookAlikes)).isEqualTo("plan for family 1");
        assertThat(world.planOf(1, false, lookAlikes))
                .isEqualTo(SimulatedWorld.plan(world.truth(lookAlikes.getFirst()).family()));
        assertThat(world.planOf(1, false, List.of())).isEqualTo("a guess");
    }
}
