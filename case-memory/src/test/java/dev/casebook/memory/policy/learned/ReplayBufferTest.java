package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseLabel;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static ReplayExample example(double reward) {
        return example("acme", reward);
    }

    private static ReplayExample example(String tenant, double reward) {
        return new ReplayExample(tenant, new float[] {1f, 0f}, UUID.randomUUID(), new float[] {0f, 1f}, 1, 0,
                CaseLabel.POSITIVE, reward);
    }

    private static ReplayExample inEpisode(long episode) {
        return new ReplayExample("acme", new float[] {1f, 0f}, UUID.randomUUID(), new float[] {0f, 1f}, 1, 0,
                CaseLabel.POSITIVE, episode % 2, episode, 1);
    }

    @Test
    void samples_whole_episodes_each_once_across_the_ring_wrapping() {
        ReplayBuffer buffer = new ReplayBuffer(10);
        // episodes 0..4 of sizes 3, 1, 2, 4, 2: the first two examples of episode 0 are overwritten
        int[] sizes = {3, 1, 2, 4, 2};
        for (int e = 0; e < sizes.length; e++) {
            for (int i = 0; i < sizes[e]; i++) {
                buffer.add(inEpisode(e));
            }
        }

        for (int seed = 0; seed < 20; seed++) {
            var episodes = buffer.sampleEpisodes(6, new Random(seed));
            assertThat(episodes.stream().mapToInt(List::size).sum()).isGreaterThanOrEqualTo(6);
            Set<Long> seen = new HashSet<>();
            for (var episode : episodes) {
                long id = episode.getFirst().episode();
                assertThat(seen.add(id)).as("episode %d drawn once", id).isTrue();
                assertThat(episode).allMatch(x -> x.episode() == id);
                assertThat(episode).hasSize(id == 0 ? 1 : sizes[(int) id]);
            }
        }
    }

    @Test
    void an_example_read_back_from_a_log_is_its_own_episode_with_propensity_one() {
        ReplayExample example = example(1);

        assertThat(example.episode()).isEqualTo(ReplayExample.NO_EPISODE);
        assertThat(example.propensity()).isEqualTo(1);
        assertThatThrownBy(() -> new ReplayExample("acme", new float[] {1f}, UUID.randomUUID(), new float[] {1f}, 0,
                0, CaseLabel.POSITIVE, 1, 3, 0)).hasMessage("propensity must be within (0, 1], was 0.0");
    }

    @Test
    void drops_the_oldest_example_when_full() {
        ReplayBuffer buffer = new ReplayBuffer(2);
        ReplayExample first = example(0);
        buffer.add(first);
        buffer.add(example(1));
        buffer.add(example(1));

        assertThat(buffer.size()).isEqualTo(2);
        assertThat(buffer.sample(200, new Random(1))).doesNotContain(first).hasSize(200);
    }

    @Test
    void removes_a_tenants_examples_and_keeps_the_others_in_order() {
        ReplayBuffer buffer = new ReplayBuffer(3);
        ReplayExample dropped = example("acme", 0);
        ReplayExample a = example("acme", 1);
        ReplayExample b = example("globex", 1);
        ReplayExample c = example("globex", 0);
        buffer.add(dropped);
        buffer.add(a);
        buffer.add(b);
        buffer.add(c); // the buffer is full: `dropped` goes

        assertThat(buffer.removeTenant("acme")).isEqualTo(1);
        assertThat(buffer.size()).isEqualTo(2);
        assertThat(buffer.sample(200, new Random(1))).containsOnly(b, c);
        ReplayExample d = example("globex", 1);
        buffer.add(d);
        buffer.add(example("initech", 1)); // full again: the oldest left (b) goes
        assertThat(buffer.sample(400, new Random(2))).doesNotContain(b, a).contains(c, d);
        assertThat(buffer.removeTenant("nobody")).isZero();
    }

    @Test
    void rejects_an_example_without_tenant() {
        assertThatThrownBy(() -> example(" ", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant must not be blank");
    }

    @Test
    void samples_nothing_from_an_empty_buffer() {
        assertThat(new ReplayBuffer(4).sample(8, new Random(1))).isEmpty();
    }

    @Test
    void rejects_reward_outside_unit_interval() {
        assertThatThrownBy(() -> example(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reward must be within [0, 1], was 1.5");
    }

    @Test
    void copies_the_state_so_callers_cannot_change_it() {
        float[] state = {1f, 2f};
        float[] kase = {3f, 4f};
        ReplayExample example = new ReplayExample("acme", state, UUID.randomUUID(), kase, 0, 0, CaseLabel.NEGATIVE, 1);
        state[0] = 9f;
        kase[0] = 9f;
        assertThat(example.state()[0]).isEqualTo(1f);
        assertThat(example.caseVector()[0]).isEqualTo(3f);
    }

    @Test
    void writes_the_pair_features_the_network_saw() {
        ReplayExample example = new ReplayExample("acme", new float[] {1f, 2f}, UUID.randomUUID(), new float[] {3f, -1f}, 2,
                1, CaseLabel.NEGATIVE, 0);
        float[] out = new float[PairFeatures.width(2) + 1];
        example.writeFeatures(out, 1);
        float[] expected = new float[PairFeatures.width(2) + 1];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE, expected, 1);
        assertThat(out).containsExactly(expected);
    }

    @Test
    void an_example_writes_its_cases_source_and_confirmed_bit_and_carries_a_weight_within_0_and_1() {
        ReplayExample dream = new ReplayExample("acme", new float[] {1f, 2f}, UUID.randomUUID(),
                new float[] {3f, -1f}, 0, 0, CaseLabel.POSITIVE, 1, 4, 1, dev.casebook.memory.CaseSource.SYNTHETIC,
                true, 0.25);
        float[] out = new float[PairFeatures.width(2)];
        dream.writeFeatures(out, 0);
        float[] expected = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 0, 0, CaseLabel.POSITIVE,
                dev.casebook.memory.CaseSource.SYNTHETIC, true, expected, 0);
        assertThat(out).containsExactly(expected);
        assertThat(dream.weight()).isEqualTo(0.25);
        assertThatThrownBy(() -> new ReplayExample("acme", new float[] {1f}, UUID.randomUUID(), new float[] {1f}, 0,
                0, CaseLabel.POSITIVE, 1, 0, 1, dev.casebook.memory.CaseSource.SYNTHETIC, false, 0))
                .hasMessage("weight must be within (0, 1], was 0.0");
    }

    private static ReplayExample ofCase(UUID caseId, String tenant, double reward) {
        return new ReplayExample(tenant, new float[] {1f, 0f}, caseId, new float[] {0f, 1f}, 1, 0,
                CaseLabel.POSITIVE, reward);
    }

    @Test
    void indexes_a_cases_newest_examples_and_forgets_the_evicted_ones() {
        ReplayBuffer buffer = new ReplayBuffer(4);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        ReplayExample a1 = ofCase(a, "acme", 0);
        ReplayExample b1 = ofCase(b, "acme", 1);
        ReplayExample a2 = ofCase(a, "acme", 1);
        ReplayExample a3 = ofCase(a, "acme", 0);
        ReplayExample b2 = ofCase(b, "acme", 0);
        for (ReplayExample e : List.of(a1, b1, a2, a3)) {
            buffer.add(e);
        }

        assertThat(buffer.ofCase(a, 10)).containsExactly(a3, a2, a1);
        assertThat(buffer.ofCase(a, 2)).containsExactly(a3, a2);
        assertThat(buffer.ofCase(UUID.randomUUID(), 10)).isEmpty();
        assertThat(buffer.newest(3)).containsExactly(a3, a2, b1);

        buffer.add(b2); // evicts a1
        assertThat(buffer.ofCase(a, 10)).containsExactly(a3, a2);
        assertThat(buffer.ofCase(b, 10)).containsExactly(b2, b1);
        buffer.add(ofCase(a, "acme", 1)); // evicts b1
        buffer.add(ofCase(a, "acme", 1)); // evicts a2
        buffer.add(ofCase(a, "acme", 1)); // evicts a3
        buffer.add(ofCase(a, "acme", 1)); // evicts b2
        assertThat(buffer.ofCase(b, 10)).isEmpty();
        assertThat(buffer.ofCase(a, 10)).hasSize(4);
        assertThat(buffer.newest(10)).hasSize(4);
    }

    @Test
    void removing_a_tenant_removes_its_examples_from_the_case_index() {
        ReplayBuffer buffer = new ReplayBuffer(3);
        UUID a = UUID.randomUUID();
        ReplayExample kept = ofCase(a, "acme", 1);
        buffer.add(ofCase(a, "other", 1));
        buffer.add(kept);
        buffer.add(ofCase(UUID.randomUUID(), "other", 0));

        buffer.removeTenant("other");

        assertThat(buffer.ofCase(a, 10)).containsExactly(kept);
        ReplayExample next = ofCase(a, "acme", 0);
        buffer.add(next);
        buffer.add(ofCase(a, "acme", 0));
        buffer.add(ofCase(a, "acme", 0)); // evicts kept
        assertThat(buffer.ofCase(a, 10)).hasSize(3).doesNotContain(kept).contains(next);
    }
}
