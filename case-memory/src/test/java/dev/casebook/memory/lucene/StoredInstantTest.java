package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stored instants read back by hand are exactly what {@link Instant#parse} gives, failures included. */
class StoredInstantTest {

    @Test
    void reads_every_instant_as_the_store_wrote_it() {
        Random random = new Random(14);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() + 1);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant written = Instant.ofEpochSecond(second, nano);
            assertThat(StoredInstant.parse(written.toString())).isEqualTo(written);
        }
    }

    @Test
    void reads_what_instant_parse_reads_beyond_the_written_forms() {
        for (String text : List.of("2026-12-07T22:24:27.8Z", "2026-12-07T22:24:27.86389Z", "1970-01-01T00:00:00Z",
                "2024-02-29T12:00:00.000000001Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59.5Z",
                "2026-12-07T24:00:00Z", "2026-12-31T23:59:60Z", "2026-12-07t22:24:27z", "2026-12-07T22:24:27.Z",
                "2026-12-07T22:24:27+01:00")) {
            assertThat(StoredInstant.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void rejects_what_instant_parse_rejects_with_its_message() {
        for (String text : List.of("", "2026-12-07T22:24:27", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-12-07T22:61:00Z", "2026-12-07T22:24:27.1234567890Z",
                "2026-12-07T22:24:2xZ", "2026-12-07 22:24:27Z")) {
            String expected = messageOf(text);
            assertThatThrownBy(() -> StoredInstant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class)
                    .hasMessage(expected);
        }
    }

    private static String messageOf(String text) {
        try {
            Instant.parse(text);
        } catch (DateTimeParseException e) {
            return e.getMessage();
        }
        throw new AssertionError(text + " was expected to be rejected by Instant.parse");
    }
}
