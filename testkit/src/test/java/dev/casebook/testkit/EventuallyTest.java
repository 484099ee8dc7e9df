package dev.casebook.testkit;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
    @Test
    void returns_the_first_value_the_condition_accepts() {
        AtomicInteger reads = new AtomicInteger();

        int value = eventually("the third read", reads::incrementAndGet, n -> n >= 3);

        assertThat(value).isEqualTo(3);
        assertThat(reads).hasValue(3);
    }

    @Test
    void fails_after_the_deadline_naming_what_it_waited_for_and_the_last_value_seen() {
        AtomicInteger reads = new AtomicInteger();

        assertThatThrownBy(() -> eventually("job 7 to complete", Duration.ZERO,
                () -> "{\"status\": \"running\", \"read\": " + reads.incrementAndGet() + "}",
                json -> json.contains("completed")))
                .isInstanceOf(AssertionError.class)
                .hasMessage("gave up waiting for job 7 to complete after 0 s; last seen: "
                        + "{\"status\": \"running\", \"read\": 1}");
    }

    @Test
    void a_checked_exception_of_the_probe_fails_the_wait_at_once() {
        AtomicInteger reads = new AtomicInteger();

        assertThatThrownBy(() -> eventually("the status", () -> {
            reads.incrementAndGet();
            throw new IOException("connection refused");
        }, value -> true)).isInstanceOf(AssertionError.class)
                .hasMessage("reading the status failed: java.io.IOException: connection refused")
                .hasCauseInstanceOf(IOException.class);
        assertThat(reads).hasValue(1);
    }
}
