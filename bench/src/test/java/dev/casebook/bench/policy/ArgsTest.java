package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void a_bare_flag_before_another_option_or_at_the_end_is_true_and_does_not_take_the_next_option() {
        Args args = new Args(new String[] {"--query-features", "--validation=0.2", "--k", "10", "--verbose"});

        assertThat(args.get("--query-features")).isEqualTo("true");
        assertThat(args.getDouble("--validation", 0)).isEqualTo(0.2);
        assertThat(args.getInt("--k", 0)).isEqualTo(10);
        assertThat(args.get("--verbose")).isEqualTo("true");
    }

    @Test
    void a_word_that_is_not_an_option_is_refused_by_name() {
        assertThatThrownBy(() -> new Args(new String[] {"validation"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'validation'");
    }
}
