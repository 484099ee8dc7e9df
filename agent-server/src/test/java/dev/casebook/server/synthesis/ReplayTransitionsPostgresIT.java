package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.VectorBytes;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.memory.ForwardingEmbedder;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ReplayTransitionsContract} on PostgreSQL (a schema of its own), and two replicas embedding one tenant's
 * transitions at the same moment.
 */
@SpringBootTest(classes = CasebookApplication.class)
class ReplayTransitionsPostgresIT extends ReplayTransitionsContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("replay");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("casebook.memory.store", () -> "none");
        registry.add("casebook.security.enabled", () -> "true"); // required off the embedded database
        registry.add("casebook.security.api-keys[0].tenant", () -> "replay");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256("replay-key"));
        common(registry);
    }

    /** The tables of the buffer, counting the embeddings its updates actually stored. */
    static final class CountingRecords extends ReplayRecords {
        private final AtomicInteger stored = new AtomicInteger();

        CountingRecords(JdbcTemplate jdbc) {
            super(jdbc);
        }

        int stored() {
            return stored.get();
        }

        @Override
        int embed(List<Vector> vectors, String embeddingModel) {
            int n = super.embed(vectors, embeddingModel);
            stored.addAndGet(n);
            return n;
        }
    }

    /** The real embedder, whose first batch waits until the other replica's first batch is being embedded too. */
    static final class MeetingEmbedder extends ForwardingEmbedder {
        private final CyclicBarrier both;
        private final AtomicBoolean met = new AtomicBoolean();

        MeetingEmbedder(Embedder real, CyclicBarrier both) {
            super(real);
            this.both = both;
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            if (met.compareAndSet(false, true)) {
                try {
                    both.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new AssertionError("the other replica never embedded its first batch", e);
                }
            }
            return super.embedAll(texts);
        }
    }

    @Test
    void two_replicas_embedding_one_tenant_at_once_store_each_transition_once_and_find_the_same() throws Exception {
        String tenant = "replay-replicas";
        int tasksRecorded = 30;
        int callsPerTask = 5;
        for (int i = 0; i < tasksRecorded; i++) {
            List<String[]> calls = new ArrayList<>();
            for (int j = 0; j < callsPerTask; j++) {
                calls.add(new String[] {"calculator", "{\"expression\": \"" + (i + 2) + "^" + (j + 2) + "\"}",
                        Long.toString((long) Math.pow(i + 2, j + 2)), "true"});
            }
            record(tenant, "Raise " + (i + 2) + " to the powers 2 to 6", CaseSource.REAL, calls);
        }
        int rows = tasksRecorded * callsPerTask;
        SynthesisSettings roomy = new SynthesisSettings(settings.groundingExamples(), settings.experienceAttempts(),
                settings.historySteps(), settings.callTimeout(), settings.maxConcurrency(), settings.maxRollouts(),
                new SynthesisSettings.Replay(1_000, 100, Duration.ofHours(1)), settings.maxTenantRollouts(),
                settings.minRewardAgreement(), settings.policyWeight(), settings.syntheticPrior(),
                settings.maxProvisional(), settings.refute());
        Embedder real = buffer.embedder();
        CyclicBarrier both = new CyclicBarrier(2);
        List<CountingRecords> tables = List.of(new CountingRecords(jdbc), new CountingRecords(jdbc));
        List<CountingEmbedder> embedders = List.of(new CountingEmbedder(new MeetingEmbedder(real, both)),
                new CountingEmbedder(new MeetingEmbedder(real, both)));
        List<ReplayTransitions> replicas = List.of(anotherInstance(tables.get(0), embedders.get(0), roomy),
                anotherInstance(tables.get(1), embedders.get(1), roomy));
        replicas.getFirst().ingest();
        assertThat(records.unembedded(tenant, 0, 2 * rows)).hasSize(rows);

        String task = "Raise 7 to the powers 2 to 6";
        String arguments = "{\"expression\": \"7^4\"}";
        List<List<ReplayTransition>> found = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            List<Future<List<ReplayTransition>>> searches = replicas.stream()
                    .map(r -> threads.submit(() -> r.similar(tenant, task, "calculator", arguments, 3))).toList();
            for (Future<List<ReplayTransition>> search : searches) {
                found.add(search.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            }
        }

        assertThat(tables.get(0).stored() + tables.get(1).stored()).as("embeddings stored by each replica")
                .isEqualTo(rows);
        // both embedded the first batch; what each embedded after depends on which stored it
        assertThat(embedders.get(0).texts() + embedders.get(1).texts())
                .isGreaterThanOrEqualTo(rows + ReplayTransitions.EMBED_BATCH + 2);
        Map<Long, float[]> stored = new HashMap<>();
        jdbc.query("SELECT id, tool, arguments, task_text, embedding_model, embedding FROM replay_transitions "
                + "WHERE tenant = ?", rs -> {
            assertThat(rs.getString("embedding_model")).isEqualTo(real.modelId());
            float[] expected = real.embed(ReplayTransition.embeddingText(rs.getString("tool"),
                    rs.getString("arguments"), rs.getString("task_text")));
            float[] vector = VectorBytes.floats(rs.getBytes("embedding"));
            assertThat(vector).containsExactly(expected, within(1e-5f));
            stored.put(rs.getLong("id"), vector);
        }, tenant);
        assertThat(stored).hasSize(rows);
        float[] query = real.embed(ReplayTransition.embeddingText("calculator", arguments, task));
        List<Long> nearest = stored.keySet().stream()
                .sorted(Comparator.comparingDouble(id -> -dot(query, stored.get(id)))).limit(3).toList();
        for (List<ReplayTransition> hits : found) {
            assertThat(hits).extracting(ReplayTransition::id).containsExactlyElementsOf(nearest);
        }
        assertThat(found.getFirst().getFirst().arguments()).isEqualTo(arguments);
        assertThat(found.getFirst().getFirst().task()).isEqualTo(task);
    }
}
