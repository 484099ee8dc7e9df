package dev.casebook.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one door for memory writes against a real store (PostgreSQL + pgvector). */
class MemoryWriterIT {
    private static final int DIM = 16;
    private final Random random = new Random(7);
    private TestPostgres.Schema schema;
    private PgVectorCaseStore store;
    private MemoryWriter rewriter;
    private final Set<String> readOnly = new HashSet<>();

    @BeforeEach
    void open() {
        schema = TestPostgres.get().newSchema("rewriter");
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(DIM)))
                .load().migrate();
        store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), DIM);
        rewriter = new MemoryWriter(store, 0.95, (tenant, bank) -> readOnly.contains(bank));
    }

    @AfterEach
    void close() {
        store.close();
        schema.drop();
    }

    @Test
    void an_episode_becomes_a_new_case_with_its_origin_and_reward() {
        float[] v = vector();

        MemoryWriter.Written written = rewriter.remember(episode("acme", "What is 17*23?", v, 0.5, false, List.of()));

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
    void a_near_duplicate_of_the_same_tenant_absorbs_the_episode_as_evidence_keeping_the_best_successful_plan() {
        float[] v = vector();
        Case first = rewriter.remember(episode("acme", "What is 17*23?", v, 1, true, List.of())).value();

        MemoryWriter.Written second = rewriter.remember(new MemoryWriter.Episode("task:2", "acme", "What is 17 * 23 ?",
                nudge(v, 0.01), "{\"subtasks\":[\"use the calculator\"]}", "391", 0.0, Rater.SCORER,
                CaseSource.REAL, "task:2", null, List.of()));

        assertThat(second.updatedExisting()).isTrue();
        assertThat(second.value().id()).isEqualTo(first.id());
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(1);
        Case updated = store.get("acme", first.id()).orElseThrow();
        assertThat(updated.plan()).isEqualTo("{\"subtasks\":[\"compute\"]}");
        assertThat(updated.reward()).isEqualTo(0.5);
        assertThat(updated.label()).isEqualTo(CaseLabel.POSITIVE);
        assertThat(store.history("acme", first.id())).extracting(Evidence::reward, Evidence::rater)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1.0, Rater.SCORER),
                        org.assertj.core.groups.Tuple.tuple(0.0, Rater.SCORER));
    }

    @Test
    void a_similar_case_of_another_tenant_or_below_the_threshold_is_not_a_duplicate() {
        float[] v = vector();
        rewriter.remember(episode("other", "What is 17*23?", v, 1, true, List.of()));
        rewriter.remember(episode("acme", "What is 17*23?", v, 1, true, List.of()));

        MemoryWriter.Written distinct = rewriter.remember(episode("acme", "Something else", vector(), 1, true,
                List.of()));

        assertThat(distinct.updatedExisting()).isFalse();
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
        assertThat(store.count(CaseFilter.tenant("other"))).isEqualTo(1);
    }

    @Test
    void a_synthetic_episode_never_updates_the_real_case_of_the_same_task_nor_the_other_way_round() {
        float[] v = vector();
        Case real = rewriter.remember(episode("acme", "What is 17*23?", v, 1, true, List.of())).value();

        MemoryWriter.Written dream = rewriter.remember(new MemoryWriter.Episode("dream:1", "acme", "What is 17*23?", v,
                "{\"subtasks\":[\"guess\"]}", "400", 0.0, Rater.EXPERIENCE_MODEL, CaseSource.SYNTHETIC, "dream:1",
                null, List.of()));
        MemoryWriter.Written again = rewriter.remember(new MemoryWriter.Episode("dream:2", "acme", "What is 17*23?", v,
                "{\"subtasks\":[\"guess again\"]}", "391", 1.0, Rater.EXPERIENCE_MODEL, CaseSource.SYNTHETIC,
                "dream:2", null, List.of()));

        assertThat(dream.updatedExisting()).isFalse();
        assertThat(dream.value().source()).isEqualTo(CaseSource.SYNTHETIC);
        assertThat(again.updatedExisting()).isTrue();
        assertThat(again.value().id()).isEqualTo(dream.value().id());
        assertThat(store.get("acme", real.id()).orElseThrow()).extracting(Case::answer, Case::reward)
                .containsExactly("391", 1.0);
        assertThat(rewriter.remember(episode("acme", "What is 17*23?", v, 0.5, false, List.of())).value().id())
                .isEqualTo(real.id());
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
    }

    @Test
    void selected_cases_count_a_use_and_a_success_only_for_a_final_positive_reward() {
        Case a = rewriter.remember(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case b = rewriter.remember(episode("acme", "old two", vector(), 1, true, List.of())).value();

        MemoryWriter.Written provisional = rewriter.remember(episode("acme", "new", vector(), 0.5, false,
                List.of(a.id(), b.id())));
        rewriter.remember(episode("acme", "newer", vector(), 1.0, true, List.of(a.id())));

        assertThat(provisional.credited()).containsExactly(a.id(), b.id());
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(2, 1);
        assertThat(store.get("acme", b.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 0);
    }

    @Test
    void writing_an_episode_again_under_its_case_id_rewrites_that_case_and_counts_no_use_again() {
        Case a = rewriter.remember(episode("acme", "old one", vector(), 1, true, List.of())).value();
        UUID id = UUID.randomUUID();
        float[] v = vector();

        MemoryWriter.Written first = rewriter.remember(new MemoryWriter.Episode("task:1", "acme", "run twice", v,
                "{\"subtasks\":[\"compute\"]}", "391", 0.5, Rater.UNRATED, CaseSource.REAL, "task:1", null,
                List.of(a.id())), id);
        MemoryWriter.Written again = rewriter.remember(new MemoryWriter.Episode("task:1", "acme", "run twice", v,
                "{\"subtasks\":[\"again\"]}", "392", 0.0, Rater.SCORER, CaseSource.REAL, "task:1", null,
                List.of(a.id())), id);

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
        Case a = rewriter.remember(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case episode = rewriter.remember(episode("acme", "new", vector(), 0.5, false, List.of(a.id()))).value();

        List<UUID> credited = rewriter.rate("acme", episode.id(), "late", 1.0, Rater.FEEDBACK, List.of(a.id()));

        assertThat(credited).containsExactly(a.id());
        assertThat(store.get("acme", episode.id()).orElseThrow()).extracting(Case::reward, Case::label)
                .containsExactly(1.0, CaseLabel.POSITIVE);
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 1);
    }

    @Test
    void a_low_late_reward_makes_the_case_a_pitfall_and_credits_no_success() {
        Case a = rewriter.remember(episode("acme", "old one", vector(), 1, true, List.of())).value();
        Case episode = rewriter.remember(episode("acme", "new", vector(), 0.5, false, List.of(a.id()))).value();

        List<UUID> credited = rewriter.rate("acme", episode.id(), "late", 0.0, Rater.FEEDBACK, List.of(a.id()));

        assertThat(credited).isEmpty();
        assertThat(store.get("acme", episode.id()).orElseThrow().label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 0);
    }

    @Test
    void feedback_is_not_overwritten_by_a_later_unrated_episode_of_the_same_task() {
        float[] v = vector();
        Case answered = rewriter.remember(episode("acme", "What is 17*23?", v, 0.5, false, List.of())).value();
        rewriter.rate("acme", answered.id(), "task:first", 1.0, Rater.FEEDBACK, List.of());

        MemoryWriter.Written again = rewriter.remember(episode("acme", "What is 17*23?", v, 0.5, false, List.of()));

        assertThat(again.value().id()).isEqualTo(answered.id());
        assertThat(store.get("acme", answered.id()).orElseThrow()).extracting(Case::reward, Case::label)
                .containsExactly(1.0, CaseLabel.POSITIVE);
        assertThat(store.history("acme", answered.id())).extracting(Evidence::rater)
                .containsExactly(Rater.UNRATED, Rater.FEEDBACK, Rater.UNRATED);
    }

    @Test
    void nothing_changes_a_case_of_a_read_only_bank() {
        float[] v = vector();
        Case reference = store.add(Case.of("acme", "What is 17*23?", "{}", "391", 1, CaseSource.REAL)
                .withBank("reference"), v);
        readOnly.add("reference");

        MemoryWriter.Written written = rewriter.remember(episode("acme", "What is 17*23?", v, 0.0, true,
                List.of(reference.id())));
        List<UUID> credited = rewriter.rate("acme", reference.id(), "late", 0.0, Rater.FEEDBACK,
                List.of(reference.id()));

        assertThat(written.value().id()).isNotEqualTo(reference.id());
        assertThat(written.value().bank()).isEqualTo(Case.DEFAULT_BANK);
        assertThat(written.credited()).isEmpty();
        assertThat(credited).isEmpty();
        assertThat(store.get("acme", reference.id())).contains(reference);
        assertThat(store.history("acme", reference.id())).hasSize(1);
        assertThatThrownBy(() -> rewriter.relabel("acme", reference.id(), CaseLabel.NEGATIVE))
                .isInstanceOf(ReadOnlyBankException.class)
                .hasMessage("bank 'reference' of tenant 'acme' is read-only; relabelling case " + reference.id()
                        + " was refused");
        assertThatThrownBy(() -> rewriter.delete("acme", reference.id())).isInstanceOf(ReadOnlyBankException.class);
        assertThatThrownBy(() -> rewriter.remember(new MemoryWriter.Episode("t", "acme", "x", v, "", "", 1,
                Rater.SCORER, CaseSource.REAL, "", "reference", List.of()))).isInstanceOf(ReadOnlyBankException.class);
        assertThat(store.get("acme", reference.id())).contains(reference);
    }

    /**
     * The shown cases are read together and each bank among them is asked about once, the episode's own bank not again
     * (a question of the server's database per case before, then one per bank and one more for the episode's bank), while every mention of a writable case still counts and a read-only one none.
     */
    @Test
    void the_shown_cases_are_credited_with_one_question_per_bank_and_every_mention_counts() {
        Case a = store.add(Case.of("acme", "task a", "{}", "1", 1, CaseSource.REAL), vector());
        Case b = store.add(Case.of("acme", "task b", "{}", "2", 1, CaseSource.REAL), vector());
        Case reference = store.add(Case.of("acme", "task r", "{}", "3", 1, CaseSource.REAL).withBank("reference"),
                vector());
        readOnly.add("reference");
        List<String> asked = new ArrayList<>();
        MemoryWriter writer = new MemoryWriter(store, 0.95, (tenant, bank) -> {
            asked.add(bank);
            return readOnly.contains(bank);
        });

        MemoryWriter.Written written = writer.remember(episode("acme", "a new task", vector(), 1, true,
                List.of(a.id(), reference.id(), b.id(), a.id(), UUID.randomUUID())));

        assertThat(written.credited()).containsExactly(a.id(), b.id(), a.id());
        assertThat(store.get("acme", a.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(2, 2);
        assertThat(store.get("acme", b.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(1, 1);
        assertThat(store.get("acme", reference.id())).contains(reference);
        // the episode's own bank once (found writable for its case, not asked again for the shown cases in it), then
        // the other banks of the shown cases in the order first met
        assertThat(asked).containsExactly(Case.DEFAULT_BANK, "reference");
    }

    @Test
    void a_person_relabelling_outranks_every_scorer() {
        float[] v = vector();
        Case c = rewriter.remember(episode("acme", "What is 17*23?", v, 1, true, List.of())).value();

        Case relabelled = rewriter.relabel("acme", c.id(), CaseLabel.NEGATIVE).orElseThrow();
        rewriter.remember(episode("acme", "What is 17*23?", v, 1, true, List.of()));

        assertThat(relabelled.label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(store.get("acme", c.id()).orElseThrow().label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(rewriter.relabel("acme", c.id(), CaseLabel.POSITIVE).orElseThrow().label())
                .isEqualTo(CaseLabel.POSITIVE);
    }

    @Test
    void a_group_keeps_its_positive_and_negative_case_of_one_task_apart_and_credits_each_rollout_once() {
        Case shown = rewriter.remember(episode("acme", "old one", vector(), 1, true, List.of())).value();
        float[] v = vector();
        UUID positive = UUID.randomUUID();
        UUID negative = UUID.randomUUID();

        rewriter.rememberAs(CaseLabel.POSITIVE, rollout("rollout-1", v, "{\"subtasks\":[\"add all\"]}", "12", 1,
                shown.id()), positive);
        rewriter.rememberAs(CaseLabel.POSITIVE, rollout("rollout-2", v, "{\"subtasks\":[\"guess\"]}", "13", 0,
                shown.id()), positive);
        rewriter.rememberAs(CaseLabel.POSITIVE, rollout("rollout-3", v, "{\"subtasks\":[\"guess\"]}", "14", 0,
                shown.id()), positive);
        MemoryWriter.Written lesson = rewriter.rememberAs(CaseLabel.NEGATIVE, rollout("group-0", v,
                "{\"subtasks\":[\"guess\"]}", "Not solved. Lesson: add every number.", 0), negative);
        MemoryWriter.Written again = rewriter.rememberAs(CaseLabel.POSITIVE, rollout("rollout-2", v,
                "{\"subtasks\":[\"guess\"]}", "13", 0, shown.id()), positive);

        Case kept = store.get("acme", positive).orElseThrow();
        assertThat(kept).extracting(Case::label, Case::plan, Case::answer)
                .containsExactly(CaseLabel.POSITIVE, "{\"subtasks\":[\"add all\"]}", "12");
        assertThat(kept.reward()).as("the group's success rate").isCloseTo(1.0 / 3, org.assertj.core.api.Assertions
                .within(1e-9));
        assertThat(store.history("acme", positive)).hasSize(4);
        assertThat(lesson.updatedExisting()).as("the negative case is not absorbed by the positive one").isFalse();
        assertThat(store.get("acme", negative).orElseThrow()).extracting(Case::label, Case::answer)
                .containsExactly(CaseLabel.NEGATIVE, "Not solved. Lesson: add every number.");
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(3);
        assertThat(again.credited()).as("a rollout written again counts no use again").isEmpty();
        assertThat(store.get("acme", shown.id()).orElseThrow()).extracting(Case::uses, Case::successes)
                .containsExactly(3, 1);
    }

    private static MemoryWriter.Episode rollout(String episode, float[] v, String plan, String answer, double reward,
                                                UUID... selected) {
        return new MemoryWriter.Episode(episode, "acme", "Write the sum to sum.txt.", v, plan, answer, reward,
                Rater.VALIDATOR, CaseSource.SANDBOX, "sandbox-task:job:0", null, List.of(selected));
    }

    private static MemoryWriter.Episode episode(String tenant, String task, float[] v, double reward,
            boolean rewardFinal, List<UUID> selected) {
        return new MemoryWriter.Episode("task:" + UUID.randomUUID(), tenant, task, v, "{\"subtasks\":[\"compute\"]}",
                "391", reward, rewardFinal ? Rater.SCORER : Rater.UNRATED, CaseSource.REAL, "task:1", null, selected);
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
