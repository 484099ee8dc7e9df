package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static ReplayExample example(double reward) {
        return new ReplayExample(new float[] {1f, 0f}, UUID.randomUUID(), reward);
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
        ReplayExample example = new ReplayExample(state, UUID.randomUUID(), 1);
        state[0] = 9f;
        assertThat(example.state()[0]).isEqualTo(1f);
    }
}
