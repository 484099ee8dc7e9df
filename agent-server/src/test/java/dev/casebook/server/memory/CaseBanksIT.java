package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.server.storage.MigratedPool;
import dev.casebook.testkit.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The bank registry's submit check on PostgreSQL, as two replicas see it: this instance answers from what it last
 * knew of a bank for {@link CaseBanks#SUBMIT_CACHE}, sees its own changes at once, and keeps tenants apart; the
 * write-time question ({@link CaseBanks#readOnly}) is never cached.
 */
class CaseBanksIT {
    private TestPostgres.Schema schema;
    private HikariDataSource pool;
    private final MovableClock clock = new MovableClock();
    private CaseBanks here;
    private CaseBanks otherReplica;

    @BeforeEach
    void open() {
        schema = TestPostgres.get().newSchema("casebanks");
        pool = MigratedPool.of(schema, 2);
        here = CaseBanks.withClock(new JdbcTemplate(pool), clock);
        otherReplica = new CaseBanks(new JdbcTemplate(pool));
    }

    @AfterEach
    void close() {
        pool.close();
        schema.drop();
    }

    @Test
    void a_bank_is_recorded_by_the_first_submit_to_it_and_answered_from_memory_until_the_cache_ages() {
        assertThat(here.acceptsWrites("acme", "notes")).isTrue();
        assertThat(otherReplica.list("acme")).extracting(CaseBanks.Bank::name).contains("notes");

        otherReplica.setReadOnly("acme", "notes", true);
        clock.advance(CaseBanks.SUBMIT_CACHE.minusMillis(1));
        assertThat(here.acceptsWrites("acme", "notes")).as("within the cache: not asked again").isTrue();
        assertThat(here.readOnly("acme", "notes")).as("the write-time question is asked every time").isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(here.acceptsWrites("acme", "notes")).as("the cache aged: asked again").isFalse();
    }

    @Test
    void a_change_made_on_this_instance_is_seen_at_once() {
        assertThat(here.acceptsWrites("acme", "notes")).isTrue();

        here.setReadOnly("acme", "notes", true);
        assertThat(here.acceptsWrites("acme", "notes")).isFalse();
        here.setReadOnly("acme", "notes", false);
        assertThat(here.acceptsWrites("acme", "notes")).isTrue();
    }

    @Test
    void tenants_banks_of_one_name_are_apart() {
        here.setReadOnly("acme", "shared", true);

        assertThat(here.acceptsWrites("globex", "shared")).isTrue();
        assertThat(here.acceptsWrites("acme", "shared")).isFalse();
        assertThat(otherReplica.readOnly("globex", "shared")).isFalse();
        assertThat(otherReplica.list("globex")).extracting(CaseBanks.Bank::name).contains("shared");
    }

    /** A clock the test moves; time stands still otherwise. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
