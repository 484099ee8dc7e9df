package dev.casebook.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.testkit.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Memory rewriting against a real store (PostgreSQL + pgvector). */
class MemoryRewriterIT {
    private static final int DIM = 16;
    private final Random random = new Random(7);
    private TestPostgres.Schema schema;
    private PgVectorCaseStore store;
    private MemoryRewriter rewriter;

    @BeforeEach
    void open() {
        schema = TestPostgres.get().newSchema("rewriter");
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(DIM)))
                .load().migrate();
        store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), DIM);
        rewriter = new MemoryRewriter(store, 0.95);
    }

    @AfterEach
    void close() {
        store.close();
        schema.drop();
    }

    @Test
    void an_episode_becomes_a_new_case_with_its_origin_and_reward() {
        float[] v = vector();

        MemoryRewriter.Written written = rewriter.write(episode("acme", "What is 17*23?", v, 0.5, false, List.of()));

        Case stored = store.get("acme", written.value().id()).orElseThrow();
        assertThat(written.updatedExisting()).isFalse();
        assertThat(stored.task()).isEqualTo("What is 17*23?");
        assertThat(stored.plan()).isEqualTo("{\"subtasks\":[\"compute\"]}");
        assertThat(stored.answer()).isEqualTo("391");
        assertThat(stored.reward()).isEqualTo(0.5);
        assertThat(stored.label()).isEqualTo(CaseLabel.POSITIVE);
        assertThat(stored.origin()).isEqualTo("task:1");
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(1);
    }

    @Test
    void a_near_duplicate_of_the_same_tenant_is_updated_instead_of_duplicated() {
        float[] v = vector();
        Case first = rewriter.write(episode("acme", "What is 17*23?", v, 1, true, List.of())).value();

        MemoryRewriter.Written second = rewriter.write(new MemoryRewriter.Episode("acme", "What is 17 * 23 ?",
                nudge(v, 0.01), "{\"subtasks\":[\"use the calculator\"]}", "391", 0.0, true, CaseSource.REAL,
                "task:2", List.of()));

        assertThat(second.updatedExisting()).isTrue();
        assertThat(second.value().id()).isEqualTo(first.id());
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(1);
        Case updated = store.get("acme", first.id()).orElseThrow();
        assertThat(updated.plan()).isEqualTo("{\"subtasks\":[\"use the calculator\"]}");
        assertThat(updated.reward()).isEqualTo(0.0);
        assertThat(updated.label()).isEqualTo(CaseLabel.NEGATIVE);
    }

    @Test
    void a_similar_case_of_another_tenant_or_below_the_threshold_is_not_a_duplicate() {
        float[] v = vector();
        rewriter.write(episode("other", "What is 17*23?", v, 1, true, List.of()));
        rewriter.write(episode("acme", "What is 17*23?", v, 1, true, List.of()));

        MemoryRewriter.Written distinct = rewriter.write(episode("acme", "Something else", vector(), 1, true,
                List.of()));

        assertThat(distinct.updatedExisting()).isFalse();
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
        assertThat(store.count(CaseFilter.tenant("other"))).isEqualTo(1);
    }

    @Test
    void a_synthetic_episode_never_updates_the_real_case_of_the_same_task_nor_the_other_way_round() {
        float[] v = vector();
        Case real = rewriter.write(episode("acme", "What is 17*23?", v, 1, true, List.of())).value();

        MemoryRewriter.Written dream = rewriter.write(new MemoryRewriter.Episode("acme", "What is 17*23?", v,
                "{\"subtasks\":[\"guess\"]}", "400", 0.0, true, CaseSource.SYNTHETIC, "dream:1", List.of()));
        MemoryRewriter.Written again = rewriter.write(new MemoryRewriter.Episode("acme", "What is 17*23?", v,
                "{\"subtasks\":[\"guess again\"]}", "391", 1.0, true, CaseSource.SYNTHETIC, "dream:1", List.of()));

        assertThat(dream.updatedExisting()).isFalse();
        assertThat(dream.value().source()).isEqualTo(CaseSource.SYNTHETIC);
        assertThat(again.updatedExisting()).isTrue();
        assertThat(again.value().id()).isEqualTo(dream.value().id());
        assertThat(store.get("acme", real.id()).orElseThrow()).extracting(Case::answer, Case::reward)
                .containsExactly("391", 1.0);
        assertThat(rewriter.write(episode("acme", "What is 17*23?", v, 0.5, false, List.of())).value().id())
                .isEqualTo(real.id());
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
    }

    @Test
    void selected_cases_count_a_use_and_a_success_only_for_a_final_positive_reward() {
        Case a = rewriter.write(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case b = rewriter.write(episode("acme", "old two", vector(), 1, true, List.of())).value();

        MemoryRewriter.Written provisional = rewriter.write(episode("acme", "new", vector(), 0.5, false,
                List.of(a.id(), b.id())));
        rewriter.write(episode("acme", "newer", vector(), 1.0, true, List.of(a.id())));

        assertThat(provisional.credited()).containsExactly(a.id(), b.id());
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(2, 1);
        assertThat(store.get("acme", b.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 0);
    }

    @Test
    void writing_an_episode_again_under_its_case_id_rewrites_that_case_and_counts_no_use_again() {
        Case a = rewriter.write(episode("acme", "old one", vector(), 1, true, List.of())).value();
        UUID id = UUID.randomUUID();
        float[] v = vector();

        MemoryRewriter.Written first = rewriter.write(episode("acme", "run twice", v, 0.5, false, List.of(a.id())),
                id);
        MemoryRewriter.Written again = rewriter.write(new MemoryRewriter.Episode("acme", "run twice", v,
                "{\"subtasks\":[\"again\"]}", "392", 0.0, true, CaseSource.REAL, "task:1", List.of(a.id())), id);

        assertThat(first.value().id()).isEqualTo(id);
        assertThat(first.updatedExisting()).isFalse();
        assertThat(again.value().id()).isEqualTo(id);
        assertThat(again.updatedExisting()).isTrue();
        assertThat(again.credited()).isEmpty();
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
        assertThat(store.get("acme", id).orElseThrow()).extracting(Case::answer, Case::reward, Case::label)
                .containsExactly("392", 0.0, CaseLabel.NEGATIVE);
        assertThat(store.get("acme", a.id()).orElseThrow().uses()).isEqualTo(1);
    }

    @Test
    void a_late_reward_updates_the_case_and_turns_the_counted_uses_into_successes() {
        Case a = rewriter.write(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case episode = rewriter.write(episode("acme", "new", vector(), 0.5, false, List.of(a.id()))).value();

        List<UUID> credited = rewriter.applyReward("acme", episode.id(), List.of(a.id()), 1.0);

        assertThat(credited).containsExactly(a.id());
        assertThat(store.get("acme", episode.id()).orElseThrow()).extracting(Case::reward, Case::label)
                .containsExactly(1.0, CaseLabel.POSITIVE);
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 1);
    }

    @Test
    void a_low_late_reward_makes_the_case_a_pitfall_and_credits_no_success() {
        Case a = rewriter.write(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case episode = rewriter.write(episode("acme", "new", vector(), 0.5, false, List.of(a.id()))).value();

        List<UUID> credited = rewriter.applyReward("acme", episode.id(), List.of(a.id()), 0.0);

        assertThat(credited).isEmpty();
        assertThat(store.get("acme", episode.id()).orElseThrow().label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 0);
    }

    private static MemoryRewriter.Episode episode(String tenant, String task, float[] v, double reward,
            boolean rewardFinal, List<UUID> selected) {
        return new MemoryRewriter.Episode(tenant, task, v, "{\"subtasks\":[\"compute\"]}", "391", reward,
                rewardFinal, CaseSource.REAL, "task:1", selected);
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private float[] nudge(float[] v, double amount) {
        float[] out = v.clone();
        for (int i = 0; i < DIM; i++) {
            out[i] += (float) (random.nextGaussian() * amount);
        }
        return out;
    }
}
