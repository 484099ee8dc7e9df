package dev.casebook.memory.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.testkit.SharedData;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimilarityPolicyIT {

    private static final String TENANT = "acme";
    private static final float[] QUERY = {1, 0, 0, 0};

    @TempDir
    Path directory;

    private LuceneCaseStore store;

    @BeforeEach
    void open() {
        store = LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test", 4));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Adds a case whose cosine similarity to {@link #QUERY} is {@code similarity}. */
    private Case add(String task, CaseLabel label, double similarity) {
        return add(TENANT, task, label, similarity, "");
    }

    private Case add(String tenant, String task, CaseLabel label, double similarity, String origin) {
        Instant now = Instant.now();
        Case c = new Case(UUID.randomUUID(), tenant, task, "", "", label == CaseLabel.POSITIVE ? 1 : 0, label,
                CaseSource.REAL, origin, 0, 0, now, now);
        float[] vector = {(float) similarity, (float) Math.sqrt(1 - similarity * similarity), 0, 0};
        return store.add(c, vector);
    }

    private static SelectionRequest request(int k) {
        return new SelectionRequest("a task", QUERY, CaseFilter.tenant(TENANT), k);
    }

    @Test
    void selects_the_k_most_similar_cases_best_first() {
        Case p1 = add("p1", CaseLabel.POSITIVE, 0.95);
        Case n1 = add("n1", CaseLabel.NEGATIVE, 0.90);
        Case p2 = add("p2", CaseLabel.POSITIVE, 0.80);
        add("p3", CaseLabel.POSITIVE, 0.50);
        add("n2", CaseLabel.NEGATIVE, 0.10);

        List<SelectedCase> selected = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK()).select(request(3));

        assertThat(selected).extracting(SelectedCase::value).containsExactly(p1, n1, p2);
        assertThat(selected.get(0).score()).isCloseTo(0.95, within(1e-4));
        assertThat(selected.get(1).score()).isCloseTo(0.90, within(1e-4));
        assertThat(selected.get(2).score()).isCloseTo(0.80, within(1e-4));
    }

    @Test
    void an_unconfirmed_synthetic_case_is_scored_with_the_synthetic_prior_until_a_real_outcome_confirms_it() {
        Instant now = Instant.now();
        Case dream = store.add(new Case(UUID.randomUUID(), TENANT, "dreamed", "", "", 1, CaseLabel.POSITIVE,
                CaseSource.SYNTHETIC, "dream:1", 0, 0, now, now), new float[] {0.95f, (float) Math.sqrt(1 - 0.95 * 0.95), 0, 0});
        Case real = add("real", CaseLabel.POSITIVE, 0.90);
        SimilarityPolicy policy = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK());
        SelectionRequest guarded = new SelectionRequest("a task", QUERY, CaseFilter.tenant(TENANT), 2, 0.9);

        assertThat(policy.select(request(2))).extracting(SelectedCase::value).containsExactly(dream, real);
        List<SelectedCase> discounted = policy.select(guarded);
        assertThat(discounted).extracting(s -> s.value().id()).containsExactly(real.id(), dream.id());
        assertThat(discounted.get(1).score()).isCloseTo(0.95 * 0.9, within(1e-4));

        Case confirmed = store.confirm(TENANT, dream.id()).orElseThrow();
        assertThat(confirmed.confirmed()).isTrue();
        assertThat(policy.select(guarded)).extracting(s -> s.value().id()).containsExactly(dream.id(), real.id());
    }

    @Test
    void takes_at_most_max_provisional_unconfirmed_synthetic_cases_and_fills_from_deeper_candidates() {
        Case d1 = dream("d1", 0.99);
        Case d2 = dream("d2", 0.98);
        Case d3 = dream("d3", 0.97);
        Case real = add("real", CaseLabel.POSITIVE, 0.60);
        SimilarityPolicy policy = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK());
        CaseFilter filter = CaseFilter.tenant(TENANT);

        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 4, 1, SelectionRequest.NO_QUOTA)))
                .extracting(s -> s.value().task()).containsExactly("d1", "d2", "d3", "real");
        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 4, 1, 2)))
                .extracting(s -> s.value().task()).containsExactly("d1", "d2", "real");
        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 4, 1, 0)))
                .extracting(s -> s.value().id()).containsExactly(real.id());

        store.confirm(TENANT, d1.id()).orElseThrow();
        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 4, 1, 2)))
                .as("a confirmed synthetic case is not counted").extracting(s -> s.value().id())
                .containsExactly(d1.id(), d2.id(), d3.id(), real.id());
    }

    @Test
    void never_selects_a_refuted_synthetic_case_and_fills_its_place_from_deeper_candidates() {
        Case d1 = dream("d1", 0.99);
        Case d2 = dream("d2", 0.98);
        Case real = add("real", CaseLabel.POSITIVE, 0.60);
        SimilarityPolicy policy = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK());
        CaseFilter filter = CaseFilter.tenant(TENANT);

        store.refute(TENANT, d1.id()).orElseThrow();

        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 2, 1, SelectionRequest.NO_QUOTA)))
                .extracting(s -> s.value().id()).containsExactly(d2.id(), real.id());
        assertThat(policy.select(new SelectionRequest("a task", QUERY, filter, 3, 0.9, 2)))
                .extracting(s -> s.value().id()).containsExactly(d2.id(), real.id());
        assertThat(new SimilarityPolicy(store, SimilarityPolicy.Settings.topK().withHybrid(true))
                .select(new SelectionRequest("d1", QUERY, filter, 3))).extracting(s -> s.value().id())
                .doesNotContain(d1.id());
    }

    /** An unconfirmed synthetic (dreamed) positive case whose cosine similarity to {@link #QUERY} is given. */
    private Case dream(String task, double similarity) {
        Instant now = Instant.now();
        return store.add(new Case(UUID.randomUUID(), TENANT, task, "", "", 1, CaseLabel.POSITIVE,
                CaseSource.SYNTHETIC, "dream:1", 0, 0, now, now),
                new float[] {(float) similarity, (float) Math.sqrt(1 - similarity * similarity), 0, 0});
    }

    @Test
    void shows_positive_cases_as_examples_and_negative_cases_as_pitfalls() {
        add("p1", CaseLabel.POSITIVE, 0.9);
        add("n1", CaseLabel.NEGATIVE, 0.8);

        List<SelectedCase> selected = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK()).select(request(4));

        assertThat(selected).extracting(s -> s.value().task() + ":" + s.role())
                .containsExactly("p1:EXAMPLE", "n1:PITFALL");
    }

    @Test
    void keeps_the_positive_and_negative_quotas_and_fills_from_deeper_candidates() {
        add("p1", CaseLabel.POSITIVE, 0.99);
        add("p2", CaseLabel.POSITIVE, 0.98);
        add("p3", CaseLabel.POSITIVE, 0.97);
        add("n1", CaseLabel.NEGATIVE, 0.60);
        add("p4", CaseLabel.POSITIVE, 0.50);
        add("n2", CaseLabel.NEGATIVE, 0.40);
        add("n3", CaseLabel.NEGATIVE, 0.30);

        List<SelectedCase> oneExampleTwoPitfalls =
                new SimilarityPolicy(store, SimilarityPolicy.Settings.quotas(1, 2)).select(request(4));
        List<SelectedCase> twoAndOne =
                new SimilarityPolicy(store, SimilarityPolicy.Settings.quotas(2, 1)).select(request(4));
        List<SelectedCase> pitfallsOnly =
                new SimilarityPolicy(store, SimilarityPolicy.Settings.quotas(0, 4)).select(request(2));

        assertThat(oneExampleTwoPitfalls).extracting(s -> s.value().task()).containsExactly("p1", "n1", "n2");
        assertThat(twoAndOne).extracting(s -> s.value().task()).containsExactly("p1", "p2", "n1");
        assertThat(pitfallsOnly).extracting(s -> s.value().task() + ":" + s.role())
                .containsExactly("n1:PITFALL", "n2:PITFALL");
    }

    @Test
    void looks_no_deeper_than_the_candidate_pool() {
        add("p1", CaseLabel.POSITIVE, 0.99);
        add("p2", CaseLabel.POSITIVE, 0.98);
        add("p3", CaseLabel.POSITIVE, 0.97);
        add("n1", CaseLabel.NEGATIVE, 0.10);

        List<SelectedCase> selected = new SimilarityPolicy(store,
                SimilarityPolicy.Settings.quotas(1, 1).withCandidates(3)).select(request(2));

        assertThat(selected).extracting(s -> s.value().task()).containsExactly("p1");
    }

    @Test
    void selects_nothing_from_an_empty_store_or_for_k_zero() {
        SimilarityPolicy policy = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK());
        assertThat(policy.select(request(4))).isEmpty();

        add("p1", CaseLabel.POSITIVE, 0.9);
        assertThat(policy.select(request(0))).isEmpty();
        assertThat(policy.name()).isEqualTo("similarity");
    }

    @Test
    void never_selects_what_the_filter_hides() {
        Case mine = add(TENANT, "mine", CaseLabel.POSITIVE, 0.5, "q-2");
        add("globex", "theirs", CaseLabel.POSITIVE, 1.0, "");
        add(TENANT, "the question itself", CaseLabel.POSITIVE, 0.99, "q-1");
        SelectionRequest request = new SelectionRequest("a task", QUERY,
                CaseFilter.tenant(TENANT).withExcludedOrigins(Set.of("q-1")), 4);

        List<SelectedCase> selected = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK()).select(request);

        assertThat(selected).extracting(SelectedCase::value).containsExactly(mine);
    }

    @Test
    void hybrid_selection_finds_a_case_by_the_words_of_the_task() {
        add("history of rome", CaseLabel.POSITIVE, 0.99);
        add("rivers of europe", CaseLabel.POSITIVE, 0.98);
        add("which island exports cloves: zanzibar", CaseLabel.POSITIVE, -0.5);
        SelectionRequest request = new SelectionRequest("zanzibar cloves", QUERY, CaseFilter.tenant(TENANT), 2);

        List<SelectedCase> byVector = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK()).select(request);
        List<SelectedCase> hybrid = new SimilarityPolicy(store, SimilarityPolicy.Settings.topK().withHybrid(true))
                .select(request);

        assertThat(byVector).extracting(s -> s.value().task()).doesNotContain("which island exports cloves: zanzibar");
        assertThat(hybrid).extracting(s -> s.value().task()).contains("which island exports cloves: zanzibar");
    }

    @Test
    void rejects_negative_quotas() {
        assertThatThrownBy(() -> SimilarityPolicy.Settings.quotas(-1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quotas must not be negative, were maxPositives=-1 maxNegatives=2");
    }

    @Test
    void on_the_memento_case_bank_a_reworded_question_selects_its_case_first_and_keeps_the_mix() throws Exception {
        InProcessEmbedder embedder = InProcessEmbedder.shared();
        ObjectMapper json = new ObjectMapper();
        List<Case> cases = new ArrayList<>();
        try (BufferedReader lines = Files.newBufferedReader(SharedData.file("memento/memory.jsonl"))) {
            String line;
            while ((line = lines.readLine()) != null && cases.size() < 150) {
                JsonNode row = json.readTree(line);
                CaseLabel label = CaseLabel.parse(row.get("case_label").asText());
                Instant now = Instant.now();
                cases.add(new Case(UUID.randomUUID(), TENANT, row.get("case").asText(), row.get("plan").asText(), "",
                        label == CaseLabel.POSITIVE ? 1 : 0, label, CaseSource.REAL, "", 0, 0, now, now));
            }
        }
        try (LuceneCaseStore memento = LuceneCaseStore.open(directory.resolve("memento"),
                new EmbeddingSpace(embedder.modelId(), embedder.dimension()))) {
            memento.addAll(cases, embedder.embedAll(cases.stream().map(Case::task).toList()));
            Case target = cases.get(0); // "What sport does Deportivo Cali play?"
            String reworded = "Which sport is played by the club Deportivo Cali?";
            SelectionRequest request = new SelectionRequest(reworded, embedder.embed(reworded),
                    CaseFilter.tenant(TENANT), 4);

            List<SelectedCase> topK = new SimilarityPolicy(memento, SimilarityPolicy.Settings.topK()).select(request);
            List<SelectedCase> mixed = new SimilarityPolicy(memento,
                    new SimilarityPolicy.Settings(2, 2, 150, false)).select(request);

            assertThat(topK).hasSize(4);
            assertThat(topK.getFirst().value().id()).isEqualTo(target.id());
            assertThat(topK.getFirst().role()).isEqualTo(CaseRole.EXAMPLE);
            assertThat(mixed).hasSize(4);
            assertThat(mixed).filteredOn(s -> s.role() == CaseRole.EXAMPLE).hasSize(2)
                    .allSatisfy(s -> assertThat(s.value().label()).isEqualTo(CaseLabel.POSITIVE));
            assertThat(mixed).filteredOn(s -> s.role() == CaseRole.PITFALL).hasSize(2)
                    .allSatisfy(s -> assertThat(s.value().label()).isEqualTo(CaseLabel.NEGATIVE));
            assertThat(mixed).extracting(SelectedCase::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        }
    }
}
