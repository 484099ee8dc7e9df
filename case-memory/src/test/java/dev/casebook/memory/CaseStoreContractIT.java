package dev.casebook.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CaseStore} keeps. A backend's test extends this class and says how to open a fresh,
 * empty store and how to open the same storage again after it was closed (a restart).
 *
 * <p>Vectors here are small ({@value #DIM} dimensions) and hand-made or seeded-random, so expected orders are
 * computed exactly in the test.
 */
public abstract class CaseStoreContractIT {

    protected static final int DIM = 8;
    protected static final String TENANT = "acme";
    protected static final String OTHER_TENANT = "globex";
    private static final Instant BASE = Instant.parse("2026-01-02T03:04:05.678Z");

    /** Opens a fresh, empty store for vectors of {@code dimension}. Called once before each test. */
    protected abstract CaseStore openStore(int dimension);

    /**
     * Opens again the storage of the last {@link #openStore} (which the test has closed) with {@code dimension}, as
     * a restarted server would.
     */
    protected abstract CaseStore reopen(int dimension);

    protected CaseStore store;

    @BeforeEach
    void openFreshStore() {
        store = openStore(DIM);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- round trip and writes

    @Test
    void round_trips_every_field() {
        Case value = new Case(UUID.randomUUID(), TENANT, "Who painted the Night Watch?", "1. search\n2. answer",
                "Rembrandt", 0.75, CaseLabel.NEGATIVE, CaseSource.SANDBOX, "deepresearcher:test:42", 5, 3,
                BASE, BASE.plusSeconds(90));

        Case added = store.add(value, unit(1, 2, 3, 4, 5, 6, 7, 8));

        assertThat(added).isEqualTo(value);
        assertThat(store.get(TENANT, value.id())).contains(value);
        assertThat(store.list(CaseFilter.tenant(TENANT), 0, 10).items()).containsExactly(value);
        assertThat(store.search(new VectorQuery(unit(1, 2, 3, 4, 5, 6, 7, 8), CaseFilter.tenant(TENANT), 1)))
                .singleElement().satisfies(hit -> {
                    assertThat(hit.value()).isEqualTo(value);
                    assertThat(hit.score()).isCloseTo(1.0, within(1e-4));
                });
    }

    @Test
    void rejects_a_case_whose_id_already_exists() {
        Case first = caseAt(TENANT, 0, "first");
        store.add(first, randomVector(new Random(1)));
        Case sameId = new Case(first.id(), TENANT, "another task", "", "", 0.1, CaseLabel.NEGATIVE, CaseSource.REAL,
                "", 0, 0, BASE, BASE);

        assertThatThrownBy(() -> store.add(sameId, randomVector(new Random(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("case " + first.id() + " already exists");
        assertThat(store.get(TENANT, first.id())).contains(first);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
    }

    @Test
    void update_outcome_replaces_plan_answer_reward_and_label_and_keeps_the_rest() {
        float[] vector = unit(0, 1, 0, 0, 0, 0, 0, 0);
        Case original = store.add(caseAt(TENANT, 0, "How many moons has Mars?").withOrigin("o-1"), vector);
        Case closer = store.add(caseAt(TENANT, 1, "unrelated"), unit(1, 0, 0, 0, 0, 0, 0, 0));

        Case updated = store.updateOutcome(TENANT, original.id(), "new plan: ask an astronomer", "two", 1.0,
                CaseLabel.POSITIVE).orElseThrow();

        assertThat(updated.plan()).isEqualTo("new plan: ask an astronomer");
        assertThat(updated.answer()).isEqualTo("two");
        assertThat(updated.reward()).isEqualTo(1.0);
        assertThat(updated.label()).isEqualTo(CaseLabel.POSITIVE);
        assertThat(updated.task()).isEqualTo(original.task());
        assertThat(updated.origin()).isEqualTo("o-1");
        assertThat(updated.createdAt()).isEqualTo(original.createdAt());
        assertThat(updated.updatedAt()).isAfterOrEqualTo(original.updatedAt());
        assertThat(store.get(TENANT, original.id())).contains(updated);
        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 1)))
                .extracting(ScoredCase::value).containsExactly(updated);
        // the new plan is searchable: its keyword lifts the case above one that is nearer by vector
        assertThat(store.hybridSearch(new HybridQuery(unit(1, 0, 0, 0, 0, 0, 0, 0), "astronomer",
                CaseFilter.tenant(TENANT), 2))).extracting(hit -> hit.value().id())
                .containsExactly(original.id(), closer.id());
        assertThat(store.updateOutcome(TENANT, UUID.randomUUID(), "p", "a", 0.5, CaseLabel.POSITIVE)).isEmpty();
    }

    @Test
    void relabel_changes_only_the_label() {
        Case original = store.add(caseAt(TENANT, 0, "task"), randomVector(new Random(3)));

        Case relabelled = store.relabel(TENANT, original.id(), CaseLabel.NEGATIVE).orElseThrow();

        assertThat(relabelled.label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(relabelled.withLabel(original.label()))
                .usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(original);
        assertThat(store.get(TENANT, original.id())).contains(relabelled);
        assertThat(store.count(CaseFilter.tenant(TENANT).withLabels(Set.of(CaseLabel.NEGATIVE)))).isEqualTo(1);
        assertThat(store.relabel(TENANT, UUID.randomUUID(), CaseLabel.NEGATIVE)).isEmpty();
    }

    @Test
    void record_use_counts_uses_and_successes() {
        Case original = store.add(caseAt(TENANT, 0, "task"), randomVector(new Random(4)));

        store.recordUse(TENANT, original.id(), true);
        store.recordUse(TENANT, original.id(), false);
        Case used = store.recordUse(TENANT, original.id(), true).orElseThrow();

        assertThat(used.uses()).isEqualTo(3);
        assertThat(used.successes()).isEqualTo(2);
        assertThat(store.get(TENANT, original.id())).contains(used);
        assertThat(store.recordUse(TENANT, UUID.randomUUID(), true)).isEmpty();
    }

    @Test
    void record_uses_credits_each_case_once_per_mention_in_one_call_and_skips_unknown_ids_and_other_tenants() {
        Case a = store.add(caseAt(TENANT, 0, "first shown"), randomVector(new Random(40)));
        Case b = store.add(caseAt(TENANT, 1, "second shown"), randomVector(new Random(41)));
        Case untouched = store.add(caseAt(TENANT, 2, "not shown"), randomVector(new Random(42)));
        Case theirs = store.add(caseAt(OTHER_TENANT, 3, "another tenant's"), randomVector(new Random(43)));
        store.recordUse(TENANT, b.id(), false);

        List<Case> written = store.recordUses(TENANT, List.of(b.id(), UUID.randomUUID(), a.id(), theirs.id(), b.id()),
                true);

        assertThat(written).extracting(Case::id).containsExactly(b.id(), a.id());
        assertThat(written).extracting(Case::uses).containsExactly(3, 1);
        assertThat(written).extracting(Case::successes).containsExactly(2, 1);
        for (Case c : written) {
            assertThat(store.get(TENANT, c.id())).contains(c);
        }
        assertThat(store.get(TENANT, untouched.id())).contains(untouched);
        assertThat(store.get(OTHER_TENANT, theirs.id())).contains(theirs);
        assertThat(store.recordUses(OTHER_TENANT, List.of(a.id()), true)).isEmpty();
        assertThat(store.recordUses(TENANT, List.of(), true)).isEmpty();

        List<Case> failed = store.recordUses(TENANT, List.of(a.id()), false);
        assertThat(failed).singleElement().satisfies(c -> {
            assertThat(c.uses()).isEqualTo(2);
            assertThat(c.successes()).isEqualTo(1);
        });
        assertThat(store.get(TENANT, a.id())).contains(failed.getFirst());
    }

    @Test
    void get_all_reads_each_case_once_in_the_order_first_named_as_get_does_and_skips_unknown_ids_and_other_tenants() {
        Case a = store.add(caseAt(TENANT, 0, "first shown"), randomVector(new Random(50)));
        Case b = store.add(caseAt(TENANT, 1, "second shown").withConfirmed(true), randomVector(new Random(51)));
        Case theirs = store.add(caseAt(OTHER_TENANT, 2, "another tenant's"), randomVector(new Random(52)));
        Case credited = store.recordUses(TENANT, List.of(b.id()), true).getFirst();

        List<Case> read = store.getAll(TENANT, List.of(b.id(), UUID.randomUUID(), a.id(), theirs.id(), b.id()));

        assertThat(read).containsExactly(credited, a);
        assertThat(read).containsExactly(store.get(TENANT, b.id()).orElseThrow(),
                store.get(TENANT, a.id()).orElseThrow());
        assertThat(store.getAll(OTHER_TENANT, List.of(a.id(), theirs.id()))).containsExactly(theirs);
        assertThat(store.getAll(TENANT, List.of())).isEmpty();
    }

    @Test
    void adjust_counts_of_a_batch_applies_deltas_and_an_impossible_count_writes_none_of_the_batch() {
        Case used = store.add(caseAt(TENANT, 0, "used twice"), randomVector(new Random(44)));
        Case once = store.add(caseAt(TENANT, 1, "used once, a success"), randomVector(new Random(45)));
        store.recordUses(TENANT, List.of(used.id(), used.id()), false);
        Case before = store.recordUse(TENANT, once.id(), true).orElseThrow();

        List<Case> late = store.adjustCounts(TENANT, List.of(used.id()), 0, 1);
        assertThat(late).singleElement().satisfies(c -> {
            assertThat(c.uses()).isEqualTo(2);
            assertThat(c.successes()).isEqualTo(1);
        });

        // the second case cannot count a second success of one use: neither case changes
        assertThatThrownBy(() -> store.adjustCounts(TENANT, List.of(used.id(), once.id()), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counts must satisfy 0 <= successes <= uses");
        assertThat(store.get(TENANT, used.id())).contains(late.getFirst());
        assertThat(store.get(TENANT, once.id())).contains(before);
    }

    @Test
    void concurrent_batch_and_single_count_updates_of_the_same_cases_lose_no_increment() throws Exception {
        Case shared = store.add(caseAt(TENANT, 0, "popular case"), randomVector(new Random(46)));
        Case other = store.add(caseAt(TENANT, 1, "another popular case"), randomVector(new Random(47)));
        int threads = 6;
        int perThread = 15;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        switch (thread % 3) {
                            // the two orders of one pair, so a store that locks rows as named could deadlock
                            case 0 -> store.recordUses(TENANT, List.of(shared.id(), other.id()), true);
                            case 1 -> store.recordUses(TENANT, List.of(other.id(), shared.id()), false);
                            default -> store.recordUse(TENANT, shared.id(), true);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int each = threads / 3 * perThread; // updates by the threads of one kind
        Case counted = store.get(TENANT, shared.id()).orElseThrow();
        assertThat(counted.uses()).isEqualTo(3 * each);
        assertThat(counted.successes()).isEqualTo(2 * each);
        Case counted2 = store.get(TENANT, other.id()).orElseThrow();
        assertThat(counted2.uses()).isEqualTo(2 * each);
        assertThat(counted2.successes()).isEqualTo(each);
    }

    @Test
    void embedding_is_the_vector_a_case_was_stored_with_for_its_tenant_only() {
        float[] vector = randomVector(new Random(48));
        Case mine = store.add(caseAt(TENANT, 0, "with a vector"), vector);

        assertThat(store.embedding(TENANT, mine.id())).get().satisfies(v -> assertThat(v).containsExactly(vector));
        assertThat(store.embedding(OTHER_TENANT, mine.id())).isEmpty();
        assertThat(store.embedding(TENANT, UUID.randomUUID())).isEmpty();
        store.embedding(TENANT, mine.id()).orElseThrow()[0] = 42;
        assertThat(store.embedding(TENANT, mine.id())).get().satisfies(v -> assertThat(v).containsExactly(vector));
    }

    @Test
    void adjust_counts_applies_deltas_and_rejects_impossible_counts_without_writing() {
        Case original = store.add(caseAt(TENANT, 0, "task"), randomVector(new Random(5)));
        store.recordUse(TENANT, original.id(), false);
        store.recordUse(TENANT, original.id(), false);

        Case adjusted = store.adjustCounts(TENANT, original.id(), 0, 1).orElseThrow();

        assertThat(adjusted.uses()).isEqualTo(2);
        assertThat(adjusted.successes()).isEqualTo(1);
        assertThat(store.get(TENANT, original.id())).contains(adjusted);
        assertThatThrownBy(() -> store.adjustCounts(TENANT, original.id(), -2, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("counts must satisfy 0 <= successes <= uses");
        assertThat(store.get(TENANT, original.id())).contains(adjusted);
        assertThat(store.adjustCounts(TENANT, UUID.randomUUID(), 1, 0)).isEmpty();
    }

    @Test
    void deletes_a_case_from_every_read() {
        float[] vector = unit(1, 1, 0, 0, 0, 0, 0, 0);
        Case gone = store.add(caseAt(TENANT, 0, "the deleted zeppelin task"), vector);
        Case kept = store.add(caseAt(TENANT, 1, "the kept task"), unit(0, 0, 1, 0, 0, 0, 0, 0));

        assertThat(store.delete(TENANT, gone.id())).isTrue();

        assertThat(store.get(TENANT, gone.id())).isEmpty();
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
        assertThat(store.list(CaseFilter.tenant(TENANT), 0, 10).items()).containsExactly(kept);
        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 10)))
                .extracting(hit -> hit.value().id()).containsExactly(kept.id());
        assertThat(store.hybridSearch(new HybridQuery(vector, "zeppelin", CaseFilter.tenant(TENANT), 10)))
                .extracting(hit -> hit.value().id()).containsExactly(kept.id());
        assertThat(store.delete(TENANT, gone.id())).isFalse();
        assertThat(store.updateOutcome(TENANT, gone.id(), "p", "a", 1, CaseLabel.POSITIVE)).isEmpty();
    }

    // ---------------------------------------------------------------- search

    @Test
    void search_orders_by_exact_cosine_similarity() {
        Random random = new Random(42);
        Map<UUID, float[]> vectors = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            float[] v = randomVector(random);
            vectors.put(store.add(caseAt(TENANT, i, "case " + i), v).id(), v);
        }
        for (int q = 0; q < 5; q++) {
            float[] query = randomVector(random);
            List<UUID> expected = vectors.keySet().stream()
                    .sorted(Comparator.comparingDouble((UUID id) -> -cosine(query, vectors.get(id))))
                    .limit(10).toList();

            List<ScoredCase> hits = store.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 10));

            assertThat(hits).extracting(hit -> hit.value().id()).containsExactlyElementsOf(expected);
            for (ScoredCase hit : hits) {
                assertThat(hit.score()).isCloseTo(cosine(query, vectors.get(hit.value().id())), within(1e-4));
            }
        }
    }

    @Test
    void search_returns_every_case_when_fewer_than_k() {
        store.add(caseAt(TENANT, 0, "a"), unit(1, 0, 0, 0, 0, 0, 0, 0));
        store.add(caseAt(TENANT, 1, "b"), unit(-1, 0, 0, 0, 0, 0, 0, 0));

        List<ScoredCase> hits = store.search(new VectorQuery(unit(1, 0, 0, 0, 0, 0, 0, 0),
                CaseFilter.tenant(TENANT), 5));

        assertThat(hits).extracting(hit -> hit.value().task()).containsExactly("a", "b");
        assertThat(hits.get(1).score()).isCloseTo(-1.0, within(1e-4));
    }

    @Test
    void filters_by_source_and_label_before_taking_the_top_k() {
        float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);
        for (int i = 0; i < 30; i++) {
            store.add(caseAt(TENANT, i, "near " + i), unit(1, 0.01f * i, 0, 0, 0, 0, 0, 0));
        }
        List<UUID> wanted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Case far = new Case(UUID.randomUUID(), TENANT, "far " + i, "", "", 0.0, CaseLabel.NEGATIVE,
                    CaseSource.SYNTHETIC, "", 0, 0, BASE, BASE);
            wanted.add(store.add(far, unit(-0.1f * i, 0, 1, 0, 0, 0, 0, 0)).id());
        }
        Case positiveSynthetic = new Case(UUID.randomUUID(), TENANT, "positive synthetic", "", "", 1.0,
                CaseLabel.POSITIVE, CaseSource.SYNTHETIC, "", 0, 0, BASE, BASE);
        store.add(positiveSynthetic, unit(1, 0, 0, 0, 0, 0, 0, 0));
        CaseFilter filter = CaseFilter.tenant(TENANT).withSources(Set.of(CaseSource.SYNTHETIC))
                .withLabels(Set.of(CaseLabel.NEGATIVE));

        assertThat(store.search(new VectorQuery(query, filter, 3)))
                .extracting(hit -> hit.value().id()).containsExactlyElementsOf(wanted);
        assertThat(store.hybridSearch(new HybridQuery(query, "far", filter, 3)))
                .extracting(hit -> hit.value().id()).containsExactlyInAnyOrderElementsOf(wanted);
        assertThat(store.count(filter)).isEqualTo(3);
        assertThat(store.list(filter, 0, 10).items()).extracting(Case::id).containsExactlyInAnyOrderElementsOf(wanted);
        assertThat(store.count(CaseFilter.tenant(TENANT).withSources(Set.of(CaseSource.SYNTHETIC)))).isEqualTo(4);
        assertThat(store.count(CaseFilter.tenant(TENANT).withLabels(Set.of(CaseLabel.POSITIVE)))).isEqualTo(31);
        assertThat(store.count(CaseFilter.tenant(TENANT).withSources(Set.of(CaseSource.REAL, CaseSource.SANDBOX))))
                .isEqualTo(30);
    }

    @Test
    void excluded_origins_are_invisible() {
        float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);
        Case own = store.add(caseAt(TENANT, 0, "the question itself").withOrigin("deepresearcher:test:7"), query);
        Case other = store.add(caseAt(TENANT, 1, "another question").withOrigin("deepresearcher:test:8"),
                unit(1, 1, 0, 0, 0, 0, 0, 0));
        CaseFilter filter = CaseFilter.tenant(TENANT).withExcludedOrigins(Set.of("deepresearcher:test:7"));

        assertThat(store.search(new VectorQuery(query, filter, 5))).extracting(hit -> hit.value().id())
                .containsExactly(other.id());
        assertThat(store.hybridSearch(new HybridQuery(query, "question itself", filter, 5)))
                .extracting(hit -> hit.value().id()).containsExactly(other.id());
        assertThat(store.count(filter)).isEqualTo(1);
        assertThat(store.get(TENANT, own.id())).isPresent();
    }

    @Test
    void cases_with_an_excluded_task_text_are_invisible_whatever_their_origin_and_k_others_still_come_back() {
        String question = "How many legs has a spider?";
        float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);
        List<UUID> same = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // nearest to the query, each with the question's text in another spelling
            String text = List.of(question, "  how many LEGS has\ta spider?\n", "HOW MANY LEGS  HAS A SPIDER?").get(i % 3);
            same.add(store.add(caseAt(TENANT, i, text).withOrigin(List.of("", "import:bank", "eval:other").get(i % 3)),
                    unit(1, 0.001f * i, 0, 0, 0, 0, 0, 0)).id());
        }
        List<UUID> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String text = List.of("How many legs has a spider? Explain why.", "How many legs has an ant?",
                    "How many eyes has a spider?").get(i);
            others.add(store.add(caseAt(TENANT, 40 + i, text), unit(1, 0.5f + i, 0, 0, 0, 0, 0, 0)).id());
        }
        CaseFilter filter = CaseFilter.tenant(TENANT).withExcludedTasks(Set.of(TaskKey.of(question)));

        assertThat(store.search(new VectorQuery(query, filter, 3))).extracting(hit -> hit.value().id())
                .containsExactlyElementsOf(others);
        assertThat(store.hybridSearch(new HybridQuery(query, "legs spider", filter, 3)))
                .extracting(hit -> hit.value().id()).containsExactlyInAnyOrderElementsOf(others);
        assertThat(store.count(filter)).isEqualTo(3);
        assertThat(store.list(filter, 0, 50).items()).extracting(Case::id).containsExactlyInAnyOrderElementsOf(others);
        assertThat(store.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 1)))
                .extracting(hit -> hit.value().id()).containsExactly(same.getFirst());
        assertThat(store.get(TENANT, same.get(1))).isPresent();
    }

    @Test
    void the_task_key_follows_an_outcome_update_and_survives_a_restart() {
        float[] vector = unit(1, 0, 0, 0, 0, 0, 0, 0);
        Case c = store.add(caseAt(TENANT, 0, "Name the red planet."), vector);
        store.updateOutcome(TENANT, c.id(), "look it up", "Mars", 1.0, CaseLabel.POSITIVE);
        store.recordUse(TENANT, c.id(), true);
        CaseFilter filter = CaseFilter.tenant(TENANT).withExcludedTasks(Set.of(TaskKey.of("name the red planet.")));
        assertThat(store.search(new VectorQuery(vector, filter, 5))).isEmpty();

        store.close();
        store = reopen(DIM);

        assertThat(store.search(new VectorQuery(vector, filter, 5))).isEmpty();
        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 5))).hasSize(1);
    }

    @Test
    void a_tenant_never_sees_another_tenants_case() {
        float[] vector = unit(1, 2, 3, 0, 0, 0, 0, 0);
        Case mine = store.add(caseAt(TENANT, 0, "tenant secret walrus"), vector);
        Case theirs = store.add(caseAt(OTHER_TENANT, 1, "tenant secret walrus"), vector);
        CaseFilter other = CaseFilter.tenant(OTHER_TENANT);

        assertThat(store.search(new VectorQuery(vector, other, 10))).extracting(hit -> hit.value().id())
                .containsExactly(theirs.id());
        assertThat(store.hybridSearch(new HybridQuery(vector, "walrus secret", other, 10)))
                .extracting(hit -> hit.value().id()).containsExactly(theirs.id());
        assertThat(store.list(other, 0, 10).items()).extracting(Case::id).containsExactly(theirs.id());
        assertThat(store.count(other)).isEqualTo(1);
        assertThat(store.get(OTHER_TENANT, mine.id())).isEmpty();
        assertThat(store.updateOutcome(OTHER_TENANT, mine.id(), "p", "a", 0, CaseLabel.NEGATIVE)).isEmpty();
        assertThat(store.relabel(OTHER_TENANT, mine.id(), CaseLabel.NEGATIVE)).isEmpty();
        assertThat(store.recordUse(OTHER_TENANT, mine.id(), true)).isEmpty();
        assertThat(store.adjustCounts(OTHER_TENANT, mine.id(), 1, 1)).isEmpty();
        assertThat(store.delete(OTHER_TENANT, mine.id())).isFalse();
        assertThat(store.get(TENANT, mine.id())).contains(mine);
        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant("nobody"), 10))).isEmpty();
        assertThat(store.hybridSearch(new HybridQuery(vector, "walrus", CaseFilter.tenant("nobody"), 10))).isEmpty();
    }

    @Test
    void hybrid_search_finds_a_keyword_match_that_the_vector_misses() {
        float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);
        store.add(caseAt(TENANT, 0, "history of the roman empire"), unit(1, 0.1f, 0, 0, 0, 0, 0, 0));
        store.add(caseAt(TENANT, 1, "rivers of central europe"), unit(1, 0.2f, 0, 0, 0, 0, 0, 0));
        store.add(caseAt(TENANT, 2, "famous baroque composers"), unit(1, 0.3f, 0, 0, 0, 0, 0, 0));
        store.add(caseAt(TENANT, 3, "tallest buildings in asia"), unit(1, 0.4f, 0, 0, 0, 0, 0, 0));
        Case keyword = store.add(caseAt(TENANT, 4, "which island exports the most cloves, zanzibar?"),
                unit(-1, 0, 0.2f, 0, 0, 0, 0, 0));
        // another tenant's case matches the keyword and the vector better: it must never show up
        store.add(caseAt(OTHER_TENANT, 5, "zanzibar cloves zanzibar cloves"), query);

        List<ScoredCase> vectorOnly = store.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 2));
        List<ScoredCase> hybrid = store.hybridSearch(new HybridQuery(query, "zanzibar cloves",
                CaseFilter.tenant(TENANT), 2));

        assertThat(vectorOnly).extracting(hit -> hit.value().id()).doesNotContain(keyword.id());
        assertThat(hybrid).hasSize(2).extracting(hit -> hit.value().id()).contains(keyword.id());
        assertThat(hybrid).allSatisfy(hit -> assertThat(hit.value().tenant()).isEqualTo(TENANT));
        assertThat(hybrid.get(0).score()).isGreaterThanOrEqualTo(hybrid.get(1).score());
    }

    @Test
    void hybrid_search_with_blank_text_ranks_by_vector() {
        Random random = new Random(9);
        Map<UUID, float[]> vectors = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            float[] v = randomVector(random);
            vectors.put(store.add(caseAt(TENANT, i, "case " + i), v).id(), v);
        }
        float[] query = randomVector(random);
        List<UUID> expected = vectors.keySet().stream()
                .sorted(Comparator.comparingDouble((UUID id) -> -cosine(query, vectors.get(id)))).limit(4).toList();

        assertThat(store.hybridSearch(new HybridQuery(query, " ", CaseFilter.tenant(TENANT), 4)))
                .extracting(hit -> hit.value().id()).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------- dimensions

    @Test
    void rejects_vectors_of_the_wrong_dimension_naming_both_dimensions() {
        String message = "vector has dimension 3, but the store holds vectors of dimension " + DIM;

        assertThatThrownBy(() -> store.add(caseAt(TENANT, 0, "t"), new float[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> store.search(new VectorQuery(new float[] {1, 2, 3}, CaseFilter.tenant(TENANT), 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> store.hybridSearch(
                new HybridQuery(new float[] {1, 2, 3}, "t", CaseFilter.tenant(TENANT), 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isZero();
        assertThat(store.dimension()).isEqualTo(DIM);
    }

    @Test
    void refuses_to_reopen_with_another_dimension() {
        Case kept = store.add(caseAt(TENANT, 0, "t"), randomVector(new Random(6)));
        store.close();
        store = null;

        assertThatThrownBy(() -> reopen(DIM * 2))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("was built with embedding dimension " + DIM + " (model ")
                .hasMessageContaining("opening it with dimension " + (DIM * 2) + " (model ")
                .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse());

        store = reopen(DIM);
        assertThat(store.get(TENANT, kept.id())).contains(kept);
    }

    // ---------------------------------------------------------------- empty store, paging

    @Test
    void an_empty_store_answers_with_empty_results() {
        float[] query = unit(1, 0, 0, 0, 0, 0, 0, 0);
        CaseFilter filter = CaseFilter.tenant(TENANT);

        assertThat(store.search(new VectorQuery(query, filter, 10))).isEmpty();
        assertThat(store.hybridSearch(new HybridQuery(query, "anything at all", filter, 10))).isEmpty();
        assertThat(store.get(TENANT, UUID.randomUUID())).isEmpty();
        assertThat(store.count(filter)).isZero();
        CasePage page = store.list(filter, 0, 10);
        assertThat(page.items()).isEmpty();
        assertThat(page.total()).isZero();
        assertThat(store.delete(TENANT, UUID.randomUUID())).isFalse();
        assertThat(store.recordUse(TENANT, UUID.randomUUID(), true)).isEmpty();
    }

    @Test
    void lists_newest_first_in_pages_with_the_total() {
        List<Case> added = new ArrayList<>();
        Random random = new Random(10);
        for (int i = 0; i < 25; i++) {
            added.add(store.add(caseAt(TENANT, i, "case " + i), randomVector(random)));
        }
        store.add(caseAt(OTHER_TENANT, 99, "not mine"), randomVector(random));
        List<Case> newestFirst = added.reversed();
        CaseFilter filter = CaseFilter.tenant(TENANT);

        CasePage first = store.list(filter, 0, 10);
        CasePage second = store.list(filter, 10, 10);
        CasePage last = store.list(filter, 20, 10);
        CasePage beyond = store.list(filter, 30, 10);

        assertThat(first.items()).containsExactlyElementsOf(newestFirst.subList(0, 10));
        assertThat(second.items()).containsExactlyElementsOf(newestFirst.subList(10, 20));
        assertThat(last.items()).containsExactlyElementsOf(newestFirst.subList(20, 25));
        assertThat(beyond.items()).isEmpty();
        assertThat(List.of(first, second, last, beyond)).allSatisfy(page -> assertThat(page.total()).isEqualTo(25));
        assertThat(second.offset()).isEqualTo(10);
        assertThat(second.limit()).isEqualTo(10);
        assertThat(store.count(filter)).isEqualTo(25);
        assertThatThrownBy(() -> store.list(filter, -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(filter, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- evidence, banks, merge

    @Test
    void a_case_keeps_the_evidence_it_was_added_with_and_a_case_added_without_gets_one_event_from_its_state() {
        Case plain = store.add(caseAt(TENANT, 0, "plain"), randomVector(new Random(21)));
        Case withEvidence = caseAt(TENANT, 1, "with evidence").withBank("reference");
        List<Evidence> events = List.of(
                new Evidence("task-1", EvidenceSource.REAL, 0.5, Rater.UNRATED, "p1", "a1", BASE),
                new Evidence("task-1", EvidenceSource.REAL, 1.0, Rater.FEEDBACK, "p1", "a1", BASE.plusSeconds(5)));
        store.add(withEvidence, randomVector(new Random(22)), events);

        assertThat(store.history(TENANT, plain.id())).containsExactly(Evidence.ofState(plain));
        assertThat(store.history(TENANT, withEvidence.id())).containsExactlyElementsOf(events);
        assertThat(store.get(TENANT, withEvidence.id()).orElseThrow().bank()).isEqualTo("reference");
        assertThat(store.history(OTHER_TENANT, withEvidence.id())).isEmpty();
        assertThat(store.history(TENANT, UUID.randomUUID())).isEmpty();
        assertThatThrownBy(() -> store.add(caseAt(TENANT, 2, "no evidence"), randomVector(new Random(23)),
                List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a case needs at least one evidence event");
    }

    @Test
    void filters_by_bank() {
        Random random = new Random(24);
        Case own = store.add(caseAt(TENANT, 0, "own"), randomVector(random));
        Case reference = store.add(caseAt(TENANT, 1, "reference").withBank("agentfly"), randomVector(random));

        CaseFilter onlyReference = CaseFilter.tenant(TENANT).withBanks(Set.of("agentfly"));
        assertThat(store.list(onlyReference, 0, 10).items()).containsExactly(reference);
        assertThat(store.count(CaseFilter.tenant(TENANT).withBanks(Set.of("default")))).isEqualTo(1);
        assertThat(store.search(new VectorQuery(randomVector(random), onlyReference, 5)))
                .extracting(ScoredCase::value).containsExactly(reference);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(2);
        assertThat(own.bank()).isEqualTo(Case.DEFAULT_BANK);
    }

    @Test
    void add_evidence_appends_and_rewrites_the_case_as_derived_and_survives_a_restart() {
        Case c = store.add(caseAt(TENANT, 0, "rated later"), randomVector(new Random(25)));
        Evidence rating = new Evidence("task-9", EvidenceSource.REAL, 0.0, Rater.SCORER, "", "", BASE.plusSeconds(60));

        Case derived = store.addEvidence(TENANT, c.id(), rating, CaseEvidence::derive).orElseThrow();

        assertThat(derived).extracting(Case::reward, Case::label).containsExactly(0.0, CaseLabel.NEGATIVE);
        assertThat(store.get(TENANT, c.id())).contains(derived);
        assertThat(store.addEvidence(OTHER_TENANT, c.id(), rating, CaseEvidence::derive)).isEmpty();
        store.close();
        store = reopen(DIM);
        assertThat(store.history(TENANT, c.id())).containsExactly(Evidence.ofState(c), rating);
        assertThat(store.get(TENANT, c.id())).contains(derived);
    }

    // ---------------------------------------------------------------- synthetic evidence (issue 15)

    @Test
    void confirm_marks_a_case_confirmed_keeps_the_rest_and_survives_a_restart() {
        Case dream = store.add(new Case(UUID.randomUUID(), TENANT, "dreamed task", "plan", "answer", 1,
                CaseLabel.POSITIVE, CaseSource.SYNTHETIC, "dream:1", 2, 0, BASE, BASE), randomVector(new Random(27)));
        assertThat(dream.confirmed()).isFalse();
        assertThat(dream.provisional()).isTrue();

        Case confirmed = store.confirm(TENANT, dream.id()).orElseThrow();

        assertThat(confirmed.confirmed()).isTrue();
        assertThat(confirmed.provisional()).isFalse();
        assertThat(confirmed).usingRecursiveComparison().ignoringFields("confirmed", "updatedAt").isEqualTo(dream);
        assertThat(store.confirm(OTHER_TENANT, dream.id())).isEmpty();
        assertThat(store.confirm(TENANT, UUID.randomUUID())).isEmpty();
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, dream.id())).get().extracting(Case::confirmed).isEqualTo(true);
        assertThat(store.list(CaseFilter.tenant(TENANT), 0, 10).items()).singleElement()
                .extracting(Case::confirmed).isEqualTo(true);
        assertThat(store.search(new VectorQuery(randomVector(new Random(27)), CaseFilter.tenant(TENANT), 1)))
                .singleElement().extracting(hit -> hit.value().confirmed()).isEqualTo(true);
    }

    @Test
    void a_dream_episode_leaves_the_counts_of_the_cases_it_was_shown_unchanged() {
        MemoryWriter writer = new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE);
        Case real = store.add(new Case(UUID.randomUUID(), TENANT, "real task", "plan", "answer", 1,
                CaseLabel.POSITIVE, CaseSource.REAL, "task:1", 3, 2, BASE, BASE), randomVector(new Random(28)));

        MemoryWriter.Written dream = writer.remember(new MemoryWriter.Episode("dream-rollout-1", TENANT,
                "a dreamed variation", randomVector(new Random(29)), "plan", "answer", 0.6, Rater.UNRATED,
                CaseSource.SYNTHETIC, "dream:job", null, List.of(real.id())));
        List<UUID> credited = writer.rate(TENANT, dream.value().id(), "dream-rollout-1", 1.0,
                Rater.EXPERIENCE_MODEL, List.of(real.id()), CaseSource.SYNTHETIC);

        assertThat(dream.credited()).isEmpty();
        assertThat(credited).isEmpty();
        assertThat(store.get(TENANT, real.id())).get().extracting(Case::uses, Case::successes, Case::confirmed)
                .containsExactly(3, 2, false);
        assertThat(store.get(TENANT, dream.value().id())).get()
                .extracting(Case::reward, Case::source, Case::confirmed).containsExactly(1.0, CaseSource.SYNTHETIC,
                        false);
    }

    @Test
    void a_real_success_confirms_the_synthetic_cases_it_was_shown_and_a_failure_or_a_sandbox_success_does_not() {
        MemoryWriter writer = new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE);
        Case shownToFailure = synthetic(30);
        Case shownToSandbox = synthetic(31);
        Case shownToSuccess = synthetic(32);
        Case shownLate = synthetic(33);

        writer.remember(realEpisode("task:fail", 34, 0.0, Rater.SCORER, CaseSource.REAL, shownToFailure));
        writer.remember(realEpisode("rollout:1", 35, 1.0, Rater.VALIDATOR, CaseSource.SANDBOX, shownToSandbox));
        writer.remember(realEpisode("task:ok", 36, 1.0, Rater.SCORER, CaseSource.REAL, shownToSuccess));
        MemoryWriter.Written late = writer.remember(realEpisode("task:late", 37, 0.5, Rater.UNRATED,
                CaseSource.REAL, shownLate));
        assertThat(store.get(TENANT, shownLate.id())).get().extracting(Case::confirmed).isEqualTo(false);
        writer.rate(TENANT, late.value().id(), "task:late", 0.5, Rater.FEEDBACK, List.of(shownLate.id()),
                CaseSource.REAL);

        assertThat(store.get(TENANT, shownToFailure.id())).get().extracting(Case::confirmed, Case::uses,
                Case::successes).containsExactly(false, 1, 0);
        assertThat(store.get(TENANT, shownToSandbox.id())).get().extracting(Case::confirmed, Case::uses,
                Case::successes).containsExactly(false, 1, 1);
        assertThat(store.get(TENANT, shownToSuccess.id())).get().extracting(Case::confirmed, Case::uses,
                Case::successes).containsExactly(true, 1, 1);
        assertThat(store.get(TENANT, shownLate.id())).get().extracting(Case::confirmed, Case::uses,
                Case::successes).containsExactly(true, 1, 1);
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, shownToSuccess.id())).get().extracting(Case::confirmed).isEqualTo(true);
        assertThat(store.get(TENANT, shownToFailure.id())).get().extracting(Case::confirmed).isEqualTo(false);
    }

    @Test
    void refute_marks_an_unconfirmed_synthetic_case_refuted_keeps_the_rest_and_survives_a_restart() {
        Case dream = synthetic(40);
        Case neighbour = synthetic(41);
        assertThat(dream.refuted()).isFalse();

        Case refuted = store.refute(TENANT, dream.id()).orElseThrow();

        assertThat(refuted.refuted()).isTrue();
        assertThat(refuted).usingRecursiveComparison().ignoringFields("refuted", "updatedAt").isEqualTo(dream);
        assertThat(store.refute(TENANT, dream.id())).get().extracting(Case::refuted).isEqualTo(true);
        assertThat(store.refute(OTHER_TENANT, dream.id())).isEmpty();
        assertThat(store.refute(TENANT, UUID.randomUUID())).isEmpty();
        assertThat(store.adjustCounts(TENANT, List.of(dream.id()), 1, 0)).singleElement()
                .extracting(Case::refuted, Case::uses).containsExactly(true, 1);
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, dream.id())).get().extracting(Case::refuted, Case::confirmed, Case::uses)
                .containsExactly(true, false, 1);
        assertThat(store.get(TENANT, neighbour.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.list(CaseFilter.tenant(TENANT), 0, 10).items()).filteredOn(c -> c.id().equals(dream.id()))
                .singleElement().extracting(Case::refuted).isEqualTo(true);
        assertThat(store.search(new VectorQuery(randomVector(new Random(40)), CaseFilter.tenant(TENANT), 1)))
                .singleElement().extracting(hit -> hit.value().refuted()).isEqualTo(true);
    }

    @Test
    void refuting_a_confirmed_real_or_sandbox_case_does_nothing_and_a_refuted_case_is_not_confirmed() {
        Case confirmed = store.confirm(TENANT, synthetic(42).id()).orElseThrow();
        Case real = store.add(new Case(UUID.randomUUID(), TENANT, "real task", "plan", "answer", 0,
                CaseLabel.NEGATIVE, CaseSource.REAL, "task:43", 1, 0, BASE, BASE), randomVector(new Random(43)));
        Case sandbox = store.add(new Case(UUID.randomUUID(), TENANT, "sandbox task", "plan", "answer", 1,
                CaseLabel.POSITIVE, CaseSource.SANDBOX, "rollout:44", 0, 0, BASE, BASE), randomVector(new Random(44)));
        Case refuted = store.refute(TENANT, synthetic(45).id()).orElseThrow();

        assertThat(store.refute(TENANT, confirmed.id())).contains(confirmed);
        assertThat(store.refute(TENANT, real.id())).contains(real);
        assertThat(store.refute(TENANT, sandbox.id())).contains(sandbox);
        assertThat(store.confirm(TENANT, refuted.id())).contains(refuted);
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, confirmed.id())).get().extracting(Case::confirmed, Case::refuted)
                .containsExactly(true, false);
        assertThat(store.get(TENANT, real.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.get(TENANT, sandbox.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.get(TENANT, refuted.id())).get().extracting(Case::confirmed, Case::refuted)
                .containsExactly(false, true);
    }

    @Test
    void reinstate_clears_refuted_keeps_the_rest_survives_a_restart_and_leaves_other_cases_unchanged() {
        Case dream = synthetic(46);
        Case refuted = store.refute(TENANT, dream.id()).orElseThrow();
        Case real = store.add(new Case(UUID.randomUUID(), TENANT, "real task", "plan", "answer", 0,
                CaseLabel.NEGATIVE, CaseSource.REAL, "task:47", 1, 0, BASE, BASE), randomVector(new Random(47)));
        Case unrefuted = synthetic(48);

        Case reinstated = store.reinstate(TENANT, dream.id()).orElseThrow();

        assertThat(reinstated.refuted()).isFalse();
        assertThat(reinstated.provisional()).isTrue();
        assertThat(reinstated).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(dream);
        assertThat(store.reinstate(TENANT, dream.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.reinstate(TENANT, real.id())).contains(real);
        assertThat(store.reinstate(TENANT, unrefuted.id())).contains(unrefuted);
        assertThat(store.reinstate(OTHER_TENANT, dream.id())).isEmpty();
        assertThat(store.reinstate(TENANT, UUID.randomUUID())).isEmpty();
        assertThat(store.get(TENANT, dream.id())).get().extracting(Case::refuted).isEqualTo(false);
        store.close();
        store = reopen(DIM);
        assertThat(store.get(TENANT, dream.id())).get().extracting(Case::refuted, Case::confirmed)
                .containsExactly(false, false);
        assertThat(store.search(new VectorQuery(randomVector(new Random(46)), CaseFilter.tenant(TENANT), 1)))
                .singleElement().extracting(hit -> hit.value().refuted()).isEqualTo(false);
        assertThat(store.refute(TENANT, dream.id())).get().usingRecursiveComparison().ignoringFields("updatedAt")
                .isEqualTo(refuted);
    }

    @Test
    void refuting_by_hand_takes_only_provisional_cases_and_a_reinstated_case_is_refuted_again_by_a_rated_failure() {
        MemoryWriter writer = new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE);
        Case dream = synthetic(62);
        Case real = store.add(new Case(UUID.randomUUID(), TENANT, "real task", "plan", "answer", 0,
                CaseLabel.NEGATIVE, CaseSource.REAL, "task:63", 1, 0, BASE, BASE), randomVector(new Random(63)));
        assertThat(writer.refuteByHand(TENANT, dream.id())).get().extracting(Case::refuted).isEqualTo(true);
        assertThat(writer.refuteByHand(TENANT, real.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(writer.refuteByHand(TENANT, UUID.randomUUID())).isEmpty();

        assertThat(writer.reinstate(TENANT, dream.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(writer.reinstate(OTHER_TENANT, dream.id())).isEmpty();
        writer.remember(realEpisode("task:fail-again", 64, 0.0, Rater.SCORER, CaseSource.REAL, dream));

        assertThat(store.get(TENANT, dream.id())).get().extracting(Case::refuted, Case::confirmed)
                .containsExactly(true, false);
        assertThat(store.history(TENANT, dream.id())).hasSize(1);
        MemoryWriter readOnly = new MemoryWriter(store, 0.95, (tenant, bank) -> true);
        assertThatThrownBy(() -> readOnly.reinstate(TENANT, dream.id())).isInstanceOf(ReadOnlyBankException.class);
        assertThatThrownBy(() -> readOnly.refuteByHand(TENANT, real.id())).isInstanceOf(ReadOnlyBankException.class);
    }

    @Test
    void a_rated_real_failure_refutes_the_unconfirmed_synthetic_cases_it_was_shown_and_nothing_else_does() {
        MemoryWriter writer = new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE);
        Case shownToFailure = synthetic(50);
        Case shownToUnrated = synthetic(51);
        Case shownLate = synthetic(52);
        Case shownToDream = synthetic(53);
        Case shownToSandbox = synthetic(54);
        Case confirmedBefore = store.confirm(TENANT, synthetic(55).id()).orElseThrow();
        Case sandboxCase = store.add(new Case(UUID.randomUUID(), TENANT, "sandbox task", "plan", "answer", 1,
                CaseLabel.POSITIVE, CaseSource.SANDBOX, "rollout:56", 0, 0, BASE, BASE), randomVector(new Random(56)));

        writer.remember(new MemoryWriter.Episode("task:fail", TENANT, "task of task:fail",
                randomVector(new Random(57)), "plan", "answer", 0.0, Rater.SCORER, CaseSource.REAL, "task:fail", null,
                List.of(shownToFailure.id(), confirmedBefore.id(), sandboxCase.id())));
        writer.remember(realEpisode("task:unrated", 58, 0.0, Rater.UNRATED, CaseSource.REAL, shownToUnrated));
        MemoryWriter.Written late = writer.remember(realEpisode("task:late", 59, 0.0, Rater.UNRATED,
                CaseSource.REAL, shownLate));
        assertThat(store.get(TENANT, shownLate.id())).get().extracting(Case::refuted).isEqualTo(false);
        writer.rate(TENANT, late.value().id(), "task:late", 0.0, Rater.FEEDBACK, List.of(shownLate.id()),
                CaseSource.REAL);
        MemoryWriter.Written dream = writer.remember(realEpisode("dream:1", 60, 0.0, Rater.UNRATED,
                CaseSource.SYNTHETIC, shownToDream));
        writer.rate(TENANT, dream.value().id(), "dream:1", 0.0, Rater.EXPERIENCE_MODEL, List.of(shownToDream.id()),
                CaseSource.SYNTHETIC);
        writer.remember(realEpisode("rollout:2", 61, 0.0, Rater.VALIDATOR, CaseSource.SANDBOX, shownToSandbox));

        assertThat(store.get(TENANT, shownToFailure.id())).get().extracting(Case::refuted, Case::uses,
                Case::successes).containsExactly(true, 1, 0);
        assertThat(store.get(TENANT, confirmedBefore.id())).get().extracting(Case::confirmed, Case::refuted)
                .containsExactly(true, false);
        assertThat(store.get(TENANT, sandboxCase.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.get(TENANT, shownToUnrated.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.get(TENANT, shownLate.id())).get().extracting(Case::refuted).isEqualTo(true);
        assertThat(store.get(TENANT, shownToDream.id())).get().extracting(Case::refuted).isEqualTo(false);
        assertThat(store.get(TENANT, shownToSandbox.id())).get().extracting(Case::refuted).isEqualTo(false);

        writer.rate(TENANT, late.value().id(), "task:late", 1.0, Rater.SCORER, List.of(shownLate.id()),
                CaseSource.REAL);
        assertThat(store.get(TENANT, shownLate.id())).get().extracting(Case::refuted, Case::confirmed)
                .containsExactly(true, false);
    }

    @Test
    void with_refutation_off_a_rated_real_failure_refutes_nothing() {
        MemoryWriter writer = new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE, false);
        Case shown = synthetic(62);

        MemoryWriter.Written failed = writer.remember(realEpisode("task:fail", 63, 0.0, Rater.SCORER,
                CaseSource.REAL, shown));
        writer.rate(TENANT, failed.value().id(), "task:fail", 0.0, Rater.FEEDBACK, List.of(shown.id()),
                CaseSource.REAL);

        assertThat(store.get(TENANT, shown.id())).get().extracting(Case::refuted).isEqualTo(false);
    }

    private Case synthetic(int seed) {
        return store.add(new Case(UUID.randomUUID(), TENANT, "dreamed task " + seed, "plan", "answer", 1,
                CaseLabel.POSITIVE, CaseSource.SYNTHETIC, "dream:" + seed, 0, 0, BASE, BASE),
                randomVector(new Random(seed)));
    }

    private static MemoryWriter.Episode realEpisode(String id, int seed, double reward, Rater rater,
            CaseSource source, Case shown) {
        return new MemoryWriter.Episode(id, TENANT, "task of " + id, randomVector(new Random(seed)), "plan",
                "answer", reward, rater, source, id, null, List.of(shown.id()));
    }

    @Test
    void a_deleted_case_has_no_history() {
        Case c = store.add(caseAt(TENANT, 0, "short lived"), randomVector(new Random(26)));
        store.delete(TENANT, c.id());
        assertThat(store.history(TENANT, c.id())).isEmpty();
    }

    @Test
    void merge_adds_a_new_case_then_absorbs_near_duplicates_among_the_candidates_only() {
        float[] v = unit(1, 2, 3, 4, 5, 6, 7, 8);
        CaseFilter candidates = CaseFilter.tenant(TENANT).withBanks(Set.of(Case.DEFAULT_BANK))
                .withSources(Set.of(CaseSource.REAL));
        Case reference = store.add(caseAt(TENANT, 0, "What is 17*23?").withBank("agentfly"), v);

        CaseStore.Merged first = store.merge(merge(caseAt(TENANT, 1, "What is 17*23?"), v, "task-1", 1.0,
                candidates));
        CaseStore.Merged second = store.merge(merge(caseAt(TENANT, 2, "what is 17*23?"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f),
                "task-2", 0.0, candidates));
        CaseStore.Merged far = store.merge(merge(caseAt(TENANT, 3, "Something else"), unit(8, 7, 6, 5, 4, 3, 2, 1),
                "task-3", 1.0, candidates));

        assertThat(first.existed()).isFalse();
        assertThat(second.existed()).isTrue();
        assertThat(second.value().id()).isEqualTo(first.value().id());
        assertThat(second.value()).extracting(Case::reward, Case::plan).containsExactly(0.5, "plan task-1");
        assertThat(far.existed()).isFalse();
        assertThat(store.history(TENANT, first.value().id())).extracting(Evidence::episode)
                .containsExactly("task-1", "task-2");
        assertThat(store.get(TENANT, reference.id())).contains(reference);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(3);
    }

    @Test
    void merging_again_under_an_existing_id_appends_to_that_case() {
        float[] v = randomVector(new Random(27));
        CaseFilter candidates = CaseFilter.tenant(TENANT);
        Case fresh = caseAt(TENANT, 0, "run twice");
        store.merge(merge(fresh, v, "task-1", 1.0, candidates));

        CaseStore.Merged again = store.merge(merge(fresh, randomVector(new Random(28)), "task-1", 0.0, candidates));

        assertThat(again.existed()).isTrue();
        assertThat(again.value().id()).isEqualTo(fresh.id());
        assertThat(store.history(TENANT, fresh.id())).hasSize(2);
    }

    /**
     * Many threads write scored episodes of the same few tasks at once (the same text, embeddings a little apart):
     * whatever the interleaving, each task ends as one case holding every episode's evidence, whose reward is the
     * success rate over those episodes.
     */
    @Test
    void concurrent_episodes_of_the_same_few_tasks_end_in_one_case_per_task_with_all_their_evidence()
            throws Exception {
        int tasks = 3;
        int threads = 6;
        int perThread = 8;
        float[][] base = new float[tasks][];
        Random seeds = new Random(29);
        for (int t = 0; t < tasks; t++) {
            base[t] = randomVector(seeds);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Evidence> written = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int thread = w;
                writers.add(pool.submit(() -> {
                    Random random = new Random(300 + thread);
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int task = (thread + i) % tasks;
                        float[] v = base[task].clone();
                        v[random.nextInt(DIM)] += 0.001f;
                        double reward = random.nextBoolean() ? 1.0 : 0.0;
                        Case fresh = Case.of(TENANT, "Please compute task " + task + ".", "plan", "answer", reward,
                                CaseSource.REAL);
                        Evidence e = new Evidence("t" + thread + "-" + i, EvidenceSource.REAL, reward, Rater.SCORER,
                                "plan", "answer", Instant.now());
                        store.merge(new CaseStore.Merge(fresh, v, e, CaseFilter.tenant(TENANT)
                                .withSources(Set.of(CaseSource.REAL)), 0.95, CaseEvidence::derive));
                        written.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Case> cases = store.list(CaseFilter.tenant(TENANT), 0, 100).items();
        assertThat(cases).hasSize(tasks);
        int events = 0;
        for (Case c : cases) {
            List<Evidence> history = store.history(TENANT, c.id());
            events += history.size();
            double successRate = history.stream().mapToDouble(Evidence::reward).average().orElseThrow();
            assertThat(c.reward()).as("reward of %s", c.task()).isCloseTo(successRate, within(1e-9));
            assertThat(history).extracting(Evidence::episode).doesNotHaveDuplicates();
        }
        assertThat(events).isEqualTo(threads * perThread);
        assertThat(cases.stream().flatMap(c -> store.history(TENANT, c.id()).stream()).map(Evidence::episode))
                .containsExactlyInAnyOrderElementsOf(written.stream().map(Evidence::episode).toList());
    }

    // ---------------------------------------------------------------- concurrency and restart

    @Test
    void concurrent_writes_from_several_threads_lose_nothing() throws Exception {
        int threads = 4;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> readerErrors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
        try {
            Future<?> reader = pool.submit(() -> {
                Random random = new Random(11);
                while (writing.get()) {
                    try {
                        for (ScoredCase hit : store.search(new VectorQuery(randomVector(random),
                                CaseFilter.tenant(TENANT), 5))) {
                            assertThat(hit.value().tenant()).isEqualTo(TENANT);
                        }
                        store.count(CaseFilter.tenant(TENANT));
                    } catch (Throwable e) {
                        readerErrors.add(e);
                        return;
                    }
                }
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    Random random = new Random(100 + thread);
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ids.add(store.add(caseAt(TENANT, thread * 1000 + i, "thread " + thread + " case " + i),
                                randomVector(random)).id());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(readerErrors).isEmpty();
        assertThat(ids).hasSize(threads * perThread);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(threads * perThread);
        for (UUID id : ids) {
            assertThat(store.get(TENANT, id)).as("case %s", id).isPresent();
        }
    }

    @Test
    void concurrent_count_updates_are_atomic() throws Exception {
        Case shared = store.add(caseAt(TENANT, 0, "popular case"), randomVector(new Random(12)));
        int threads = 4;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.recordUse(TENANT, shared.id(), i % 2 == 0);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        Case counted = store.get(TENANT, shared.id()).orElseThrow();
        assertThat(counted.uses()).isEqualTo(threads * perThread);
        assertThat(counted.successes()).isEqualTo(threads * perThread / 2);
    }

    /**
     * Updates of one case from several threads while another thread searches, lists and counts (each of which may
     * refresh a store's searcher between the writes): every update counts, and a look-up by id after an update
     * returned shows at least that update.
     */
    @Test
    void concurrent_updates_of_one_case_lose_nothing_while_searches_run_between_them() throws Exception {
        float[] vector = randomVector(new Random(14));
        Case shared = store.add(caseAt(TENANT, 0, "hot case"), vector);
        int threads = 4;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> stale = new ConcurrentLinkedQueue<>();
        try {
            Future<?> reader = pool.submit(() -> {
                while (writing.get()) {
                    store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 1));
                    store.count(CaseFilter.tenant(TENANT));
                }
                return null;
            });
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int uses = store.recordUse(TENANT, shared.id(), i % 2 == 0).orElseThrow().uses();
                        int seen = store.get(TENANT, shared.id()).orElseThrow().uses();
                        if (seen < uses) {
                            stale.add("a look-up after the update to " + uses + " uses saw " + seen);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(stale).isEmpty();
        Case counted = store.get(TENANT, shared.id()).orElseThrow();
        assertThat(counted.uses()).isEqualTo(threads * perThread);
        assertThat(counted.successes()).isEqualTo(threads * (perThread + 1) / 2);
        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 1)))
                .extracting(ScoredCase::value).containsExactly(counted);
    }

    @Test
    void survives_a_restart() {
        Random random = new Random(13);
        Map<UUID, float[]> vectors = new HashMap<>();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] v = randomVector(random);
            Case c = store.add(caseAt(TENANT, i, "persistent case number " + i), v);
            vectors.put(c.id(), v);
            cases.add(c);
        }
        Case updated = store.updateOutcome(TENANT, cases.get(0).id(), "revised plan", "revised answer", 0.2,
                CaseLabel.NEGATIVE).orElseThrow();
        Case used = store.recordUse(TENANT, cases.get(1).id(), true).orElseThrow();
        store.delete(TENANT, cases.get(2).id());

        store.close();
        store = reopen(DIM);

        assertThat(store.dimension()).isEqualTo(DIM);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(9);
        assertThat(store.get(TENANT, updated.id())).contains(updated);
        assertThat(store.get(TENANT, used.id())).contains(used);
        assertThat(store.get(TENANT, cases.get(2).id())).isEmpty();
        for (Case c : cases.subList(3, 10)) {
            assertThat(store.get(TENANT, c.id())).contains(c);
        }
        float[] query = vectors.get(cases.get(5).id());
        assertThat(store.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 1)))
                .extracting(hit -> hit.value().id()).containsExactly(cases.get(5).id());
        assertThat(store.hybridSearch(new HybridQuery(unit(0, 0, 0, 0, 0, 0, 0, 1), "revised",
                CaseFilter.tenant(TENANT), 9))).first().extracting(hit -> hit.value().id()).isEqualTo(updated.id());
        Case afterRestart = store.add(caseAt(TENANT, 50, "written after the restart"), randomVector(random));
        assertThat(store.get(TENANT, afterRestart.id())).contains(afterRestart);
    }

    /**
     * A model's reply may hold U+0000 or a lone UTF-16 surrogate, which no store can keep as they are (PostgreSQL
     * refuses U+0000, a lone surrogate has no UTF-8 form). The case reads the same from every read of every store —
     * by id before any searcher refresh, by search, in a listing, in its evidence and after a restart — with U+FFFD in
     * their place.
     */
    @Test
    void text_with_nul_and_lone_surrogates_reads_back_the_same_from_every_read_and_after_a_restart() {
        String hostile = "nul\u0000 high\ud800 low\udc00 pair \ud83d\ude00";
        String storable = "nul\uFFFD high\uFFFD low\uFFFD pair \ud83d\ude00";
        float[] v = unit(3, 1, 4, 1, 5, 9, 2, 6);
        Case written = new Case(UUID.randomUUID(), TENANT, "task " + hostile, "plan " + hostile,
                "answer " + hostile, 1.0, CaseLabel.POSITIVE, CaseSource.REAL, "origin " + hostile, 0, 0, BASE, BASE);
        Evidence episode = new Evidence("task-1 " + hostile, EvidenceSource.REAL, 1.0, Rater.SCORER,
                "plan " + hostile, "answer " + hostile, BASE);

        CaseStore.Merged merged = store.merge(new CaseStore.Merge(written, v, episode, CaseFilter.tenant(TENANT),
                0.99, CaseEvidence::derive));
        Case updated = store.updateOutcome(TENANT, merged.value().id(), "revised " + hostile, "again " + hostile,
                1.0, CaseLabel.POSITIVE).orElseThrow();

        assertThat(updated).extracting(Case::task, Case::plan, Case::answer, Case::origin)
                .containsExactly("task " + storable, "revised " + storable, "again " + storable,
                        "origin " + storable);
        assertThat(store.get(TENANT, updated.id())).as("by id, before a refresh").contains(updated);
        assertThat(store.history(TENANT, updated.id())).first()
                .extracting(Evidence::episode, Evidence::plan, Evidence::answer)
                .containsExactly("task-1 " + storable, "plan " + storable, "answer " + storable);
        assertThat(store.search(new VectorQuery(v, CaseFilter.tenant(TENANT), 1)))
                .singleElement().extracting(ScoredCase::value).isEqualTo(updated);
        assertThat(store.list(CaseFilter.tenant(TENANT), 0, 10).items()).containsExactly(updated);

        store.close();
        store = reopen(DIM);

        assertThat(store.get(TENANT, updated.id())).as("after a restart").contains(updated);
        assertThat(store.history(TENANT, updated.id())).first().extracting(Evidence::plan)
                .isEqualTo("plan " + storable);
    }

    // ---------------------------------------------------------------- helpers

    /** A case of {@code tenant} created {@code second} seconds after a fixed instant (so listing order is known). */
    @Test
    void rejects_zero_and_non_finite_vectors_in_writes_and_queries() {
        assertThatThrownBy(() -> store.add(caseAt(TENANT, 0, "t"), new float[DIM]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector must not be all zeros: cosine similarity is undefined");
        float[] nan = unit(1, 0, 0, 0, 0, 0, 0, 0);
        nan[3] = Float.NaN;
        assertThatThrownBy(() -> store.add(caseAt(TENANT, 0, "t"), nan))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector must hold finite numbers only, found NaN");
        assertThatThrownBy(() -> store.search(new VectorQuery(nan, CaseFilter.tenant(TENANT), 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector must hold finite numbers only, found NaN");
        assertThat(store.count(CaseFilter.tenant(TENANT))).isZero();
    }

    private static CaseStore.Merge merge(Case fresh, float[] v, String episode, double reward, CaseFilter candidates) {
        Evidence e = new Evidence(episode, EvidenceSource.REAL, reward, Rater.SCORER, "plan " + episode,
                "answer " + episode, BASE.plusSeconds(reward > 0 ? 10 : 20));
        return new CaseStore.Merge(fresh, v, e, candidates, 0.99, CaseEvidence::derive);
    }

    /**
     * A look-up by id reads only the columns or stored fields the case needs (not its vector nor its evidence): every
     * field of the case still comes back as written, read from disk after a reopen, and for its own tenant only.
     */
    @Test
    void a_look_up_by_id_reads_every_field_of_the_case_as_stored_for_its_tenant_only() {
        Instant created = BASE.plusSeconds(7).truncatedTo(ChronoUnit.MILLIS);
        Case c = store.add(new Case(UUID.randomUUID(), TENANT, "task with \"quotes\" and ünïcödé", "plan\n\tlines",
                "answer {\"json\": 1}", 0.25, CaseLabel.NEGATIVE, CaseSource.SANDBOX, "origin-7", 4, 2, created,
                created.plusSeconds(3), "bank-b").withConfirmed(true).withUpdatedAt(created.plusSeconds(5)),
                randomVector(new Random(70)));
        Case credited = store.adjustCounts(TENANT, List.of(c.id()), 1, 0).getFirst();

        store.close();
        store = reopen(DIM);

        assertThat(store.get(TENANT, c.id())).contains(credited);
        assertThat(credited).isEqualTo(c.withCounts(5, 2).withUpdatedAt(credited.updatedAt()));
        assertThat(store.get(OTHER_TENANT, c.id())).isEmpty();
        assertThat(store.history(TENANT, c.id())).containsExactly(Evidence.ofState(c));
    }

    protected static Case caseAt(String tenant, int second, String task) {
        Instant created = BASE.plusSeconds(second).truncatedTo(ChronoUnit.MILLIS);
        return new Case(UUID.randomUUID(), tenant, task, "plan for " + task, "answer " + second, 1.0,
                CaseLabel.POSITIVE, CaseSource.REAL, "", 0, 0, created, created);
    }

    public static float[] unit(float... values) {
        double norm = 0;
        for (float v : values) {
            norm += v * v;
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] / Math.sqrt(norm));
        }
        return out;
    }

    public static float[] randomVector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    protected static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
