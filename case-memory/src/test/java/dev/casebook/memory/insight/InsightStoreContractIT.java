package dev.casebook.memory.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.StoreException;
import dev.casebook.memory.embedding.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link InsightStore} contract, run by every backend: a subclass opens a fresh, empty store of a dimension and
 * the same storage again after {@code close()}.
 */
public abstract class InsightStoreContractIT {
    protected static final int DIM = 8;
    protected static final String TENANT = "acme";
    protected static final String OTHER_TENANT = "globex";

    /** A fresh, empty store. */
    protected abstract InsightStore openStore(int dimension);

    /** The storage of the last {@link #openStore} again, as after a restart. */
    protected abstract InsightStore reopen(int dimension);

    protected InsightStore store;

    @BeforeEach
    void openFreshStore() {
        store = openStore(DIM);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    void round_trips_every_field() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Insight saved = store.save(new Insight(UUID.randomUUID(), TENANT, "reference", "unit conversions",
                "For tasks like converting units, look up the factor first; avoid rounding early.",
                Insight.centroidOf(List.of(axis(0), axis(1))), 2, 5, 1, List.of(a, b),
                Instant.parse("2026-01-02T03:04:05.678901Z")));

        Insight read = store.get(TENANT, saved.id()).orElseThrow();

        assertThat(read).usingRecursiveComparison().isEqualTo(saved);
        assertThat(read.centroid()).containsExactly(saved.centroid());
        assertThat(read.evidence()).containsExactly(a, b);
        assertThat(read.bank()).isEqualTo("reference");
        assertThat(read.updatedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05.678901Z"));
    }

    /** A distilled lesson is a model's text: U+0000 and lone surrogates read back as U+FFFD from every store. */
    @Test
    void a_lesson_with_nul_and_lone_surrogates_reads_back_the_same_after_a_restart() {
        Insight saved = store.save(Insight.of(TENANT, null, "family\u0000 \ud800",
                "do Y\u0000; avoid \udc00 Z \ud83d\ude00",
                axis(0), 3, 2, 1, List.of(UUID.randomUUID())));

        assertThat(saved).extracting(Insight::family, Insight::text)
                .containsExactly("family\uFFFD \uFFFD", "do Y\uFFFD; avoid \uFFFD Z \ud83d\ude00");
        assertThat(store.get(TENANT, saved.id())).get().usingRecursiveComparison().isEqualTo(saved);
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, saved.id())).get().usingRecursiveComparison().isEqualTo(saved);
    }

    @Test
    void finds_the_insight_of_the_task_family_by_its_centroid_not_by_the_wording_of_one_member() {
        // family A's tasks spread around axis 0; its insight's centroid is their mean. Family B's insight was learned
        // from one task worded (embedded) close to the new task's odd side, axis 2.
        Random random = new Random(3);
        List<float[]> familyA = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            familyA.add(near(axis(0), 0.3, random));
        }
        Insight a = store.save(insight(TENANT, "family A", Insight.centroidOf(familyA), familyA.size()));
        Insight b = store.save(insight(TENANT, "family B", Insight.centroidOf(List.of(mix(axis(2), axis(0), 0.2))),
                1));
        float[] task = mix(axis(0), axis(2), 0.5);

        List<ScoredInsight> found = store.nearest(new InsightQuery(TENANT, Set.of(), task, 2, -1));

        assertThat(found).extracting(s -> s.value().id()).containsExactly(a.id(), b.id());
        assertThat(found.getFirst().score()).isCloseTo(Vectors.cosine(task, a.centroid()),
                org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void ranks_by_exact_cosine_and_keeps_k_and_the_threshold() {
        Random random = new Random(11);
        List<Insight> saved = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            saved.add(store.save(insight(TENANT, "f" + i, unit(gaussian(random)), 1)));
        }
        float[] task = unit(gaussian(random));
        List<Insight> expected = saved.stream()
                .filter(s -> Vectors.cosine(task, s.centroid()) >= 0.1)
                .sorted((x, y) -> Double.compare(Vectors.cosine(task, y.centroid()), Vectors.cosine(task, x.centroid())))
                .limit(4).toList();

        List<ScoredInsight> found = store.nearest(new InsightQuery(TENANT, Set.of(), task, 4, 0.1));

        assertThat(found).extracting(s -> s.value().id()).containsExactlyElementsOf(
                expected.stream().map(Insight::id).toList());
        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), task, 4, 0.999))).isEmpty();
    }

    @Test
    void an_empty_store_finds_nothing() {
        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), axis(0), 3, -1))).isEmpty();
        assertThat(store.list(TENANT)).isEmpty();
    }

    @Test
    void keeps_tenants_apart_in_every_read_and_write() {
        Insight mine = store.save(insight(TENANT, "mine", axis(0), 1));
        Insight theirs = store.save(insight(OTHER_TENANT, "theirs", axis(0), 1));

        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), axis(0), 5, -1)))
                .extracting(s -> s.value().id()).containsExactly(mine.id());
        assertThat(store.get(TENANT, theirs.id())).isEmpty();
        assertThat(store.list(OTHER_TENANT)).extracting(Insight::id).containsExactly(theirs.id());
        assertThat(store.delete(TENANT, theirs.id())).isFalse();
        assertThatThrownBy(() -> store.save(new Insight(theirs.id(), TENANT, "default", "x", "stolen", axis(1), 1,
                0, 0, List.of(), Instant.now())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("insight " + theirs.id() + " belongs to another tenant");
        assertThat(store.get(OTHER_TENANT, theirs.id()).orElseThrow().text()).isEqualTo("lesson of theirs");
    }

    @Test
    void filters_by_bank_when_banks_are_given() {
        Insight own = store.save(insight(TENANT, "own", axis(0), 1));
        Insight reference = store.save(inBank(insight(TENANT, "ref", axis(0), 1), "reference"));

        assertThat(store.nearest(new InsightQuery(TENANT, Set.of("reference"), axis(0), 5, -1)))
                .extracting(s -> s.value().id()).containsExactly(reference.id());
        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), axis(0), 5, -1))).hasSize(2);
        assertThat(own.bank()).isEqualTo("default");
    }

    @Test
    void saving_an_insight_again_replaces_it_with_its_newer_evidence() {
        Insight first = store.save(insight(TENANT, "f", axis(0), 3));
        UUID evidence = UUID.randomUUID();
        Insight revised = store.save(first.revised("f, revised", "Do Y; avoid Z.", axis(1), 7, 6, 2,
                List.of(evidence)));

        assertThat(store.list(TENANT)).hasSize(1);
        Insight read = store.get(TENANT, first.id()).orElseThrow();
        assertThat(read.text()).isEqualTo("Do Y; avoid Z.");
        assertThat(read.members()).isEqualTo(7);
        assertThat(read.successes()).isEqualTo(6);
        assertThat(read.failures()).isEqualTo(2);
        assertThat(read.evidence()).containsExactly(evidence);
        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), axis(1), 1, 0.99)))
                .extracting(s -> s.value().id()).containsExactly(revised.id());
    }

    @Test
    void deletes_an_insight() {
        Insight saved = store.save(insight(TENANT, "f", axis(0), 1));

        assertThat(store.delete(TENANT, saved.id())).isTrue();
        assertThat(store.get(TENANT, saved.id())).isEmpty();
        assertThat(store.delete(TENANT, saved.id())).isFalse();
    }

    @Test
    void a_deleted_insight_is_no_longer_found_for_its_family_nor_listed_and_stays_deleted_after_a_restart() {
        Insight wrong = store.save(insight(TENANT, "wrong", axis(0), 3));
        Insight kept = store.save(insight(TENANT, "kept", axis(1), 3));
        Insight theirs = store.save(insight(OTHER_TENANT, "wrong", axis(0), 3));

        assertThat(store.delete(TENANT, wrong.id())).isTrue();

        assertThat(store.nearest(new InsightQuery(TENANT, Set.of(), axis(0), 5, 0.5))).isEmpty();
        assertThat(store.list(TENANT)).extracting(Insight::id).containsExactly(kept.id());
        assertThat(store.nearest(new InsightQuery(OTHER_TENANT, Set.of(), axis(0), 5, 0.5)))
                .extracting(s -> s.value().id()).containsExactly(theirs.id());
        store.close();
        store = null;
        store = reopen(DIM);
        assertThat(store.get(TENANT, wrong.id())).isEmpty();
        assertThat(store.list(TENANT)).extracting(Insight::id).containsExactly(kept.id());
        assertThat(store.delete(TENANT, wrong.id())).isFalse();
    }

    @Test
    void keeps_pending_distillations_of_every_tenant_oldest_first_once_each_across_a_restart() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID done = UUID.randomUUID();
        store.addPending(TENANT, first);
        store.addPending(OTHER_TENANT, second);
        store.addPending(TENANT, done);
        store.addPending(TENANT, first);
        store.removePending(TENANT, done);
        store.removePending(OTHER_TENANT, first); // another tenant's record of the same case: nothing
        store.removePending(TENANT, UUID.randomUUID());

        assertThat(store.pending()).containsExactly(new PendingDistillation(TENANT, first),
                new PendingDistillation(OTHER_TENANT, second));
        assertThat(store.list(TENANT)).as("pending records are no insights").isEmpty();
        store.close();
        store = null;
        store = reopen(DIM);
        assertThat(store.pending()).containsExactly(new PendingDistillation(TENANT, first),
                new PendingDistillation(OTHER_TENANT, second));
        store.removePending(TENANT, first);
        assertThat(store.pending()).containsExactly(new PendingDistillation(OTHER_TENANT, second));
    }

    @Test
    void rejects_a_centroid_of_the_wrong_dimension_or_zero() {
        assertThatThrownBy(() -> store.save(insight(TENANT, "f", new float[] {1, 0, 0}, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector has dimension 3, but the store holds vectors of dimension 8");
        assertThatThrownBy(() -> store.save(insight(TENANT, "f", new float[DIM], 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector must not be all zeros: cosine similarity is undefined");
        assertThatThrownBy(() -> store.nearest(new InsightQuery(TENANT, Set.of(), new float[] {1, 0}, 1, -1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector has dimension 2, but the store holds vectors of dimension 8");
    }

    @Test
    void keeps_insights_across_a_restart_and_refuses_another_dimension() {
        Insight saved = store.save(insight(TENANT, "f", axis(3), 2));
        store.close();
        store = null;

        assertThatThrownBy(() -> reopen(DIM * 2)).isInstanceOf(StoreException.class)
                .hasMessageContaining("dimension " + DIM);
        store = reopen(DIM);
        assertThat(store.get(TENANT, saved.id()).orElseThrow().text()).isEqualTo("lesson of f");
        assertThat(store.dimension()).isEqualTo(DIM);
    }

    static Insight insight(String tenant, String family, float[] centroid, int members) {
        return Insight.of(tenant, "default", family, "lesson of " + family, centroid, members, 1, 0, List.of());
    }

    static Insight inBank(Insight i, String bank) {
        return new Insight(i.id(), i.tenant(), bank, i.family(), i.text(), i.centroid(), i.members(), i.successes(),
                i.failures(), i.evidence(), i.updatedAt());
    }

    static float[] axis(int i) {
        float[] v = new float[DIM];
        v[i] = 1;
        return v;
    }

    static float[] mix(float[] a, float[] b, double weight) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) (a[i] + weight * b[i]);
        }
        return unit(v);
    }

    static float[] near(float[] a, double noise, Random random) {
        float[] v = a.clone();
        for (int i = 0; i < DIM; i++) {
            v[i] += (float) (noise * random.nextGaussian());
        }
        return unit(v);
    }

    static float[] gaussian(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return v;
    }
}
