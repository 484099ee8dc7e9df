package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.VectorBytes;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.memory.ForwardingEmbedder;
import dev.casebook.server.tasks.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The replay buffer with the in-process embedder: what it reads of recorded tasks, that it reads each once, keeps
 * tenants and dreams apart, stays within its bound, embeds a transition once, when its tenant's buffer is first
 * searched, and that a search finds what this instance added while a refresh ran. Runs on each database
 * ({@link ReplayTransitionsIT} on H2, {@link ReplayTransitionsPostgresIT} on PostgreSQL). The background reading
 * runs at start only (an hour's interval): the tests read.
 */
abstract class ReplayTransitionsContract {
    static final Duration DEADLINE = Duration.ofMinutes(2);

    @Autowired
    TaskStore tasks;
    @Autowired
    ReplayTransitions buffer;
    @Autowired
    ReplayRecords records;
    @Autowired
    SynthesisSettings settings;
    @Autowired
    JdbcTemplate jdbc;

    /** The real embedder, counting the texts it is given. */
    static final class CountingEmbedder extends ForwardingEmbedder {
        private final AtomicInteger texts = new AtomicInteger();

        CountingEmbedder(Embedder real) {
            super(real);
        }

        int texts() {
            return texts.get();
        }

        @Override
        public float[] embed(String text) {
            texts.incrementAndGet();
            return super.embed(text);
        }

        @Override
        public List<float[]> embedAll(List<String> batch) {
            texts.addAndGet(batch.size());
            return super.embedAll(batch);
        }
    }

    /** The tables of the buffer, whose first read of a tenant's embeddings, once done, waits until released. */
    static final class PausingRecords extends ReplayRecords {
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);

        PausingRecords(JdbcTemplate jdbc) {
            super(jdbc);
        }

        @Override
        List<Vector> newestVectors(String tenant, String embeddingModel, int limit) {
            List<Vector> read = super.newestVectors(tenant, embeddingModel, limit);
            if (paused.getCount() > 0) {
                paused.countDown();
                try {
                    if (!released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new AssertionError("the paused refresh was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while paused", e);
                }
            }
            return read;
        }
    }

    static void common(DynamicPropertyRegistry registry) {
        registry.add("casebook.synthesis.replay.max-transitions", () -> "3");
        registry.add("casebook.synthesis.replay.max-observation-chars", () -> "100");
        registry.add("casebook.synthesis.replay.ingest-interval", () -> "1h");
    }

    /** A buffer of its own on the same tables, as a restarted server or another replica has. */
    ReplayTransitions anotherInstance(Embedder embedder) {
        return anotherInstance(records, embedder, settings);
    }

    static ReplayTransitions anotherInstance(ReplayRecords records, Embedder embedder, SynthesisSettings settings) {
        return new ReplayTransitions(records,
                new StaticListableBeanFactory(Map.of("embedder", embedder)).getBeanProvider(Embedder.class), settings);
    }

    /** Records a finished task of the tenant whose executor made these calls: tool, arguments, result, ok. */
    String record(String tenant, String text, CaseSource source, List<String[]> calls) {
        TaskSpec spec = TaskSpec.of(UUID.randomUUID().toString(), tenant, text).withMemoryMode(MemoryMode.OFF)
                .withSource(source);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step.Planned(1, "{}", List.of("do it"), 10, 1));
        for (int i = 0; i < calls.size(); i++) {
            String[] c = calls.get(i);
            steps.add(new Step.ToolCalled(1, "call-" + i, c[0], c[1], 5, 1));
            steps.add(new Step.ToolReturned(1, "call-" + i, c[0], Boolean.parseBoolean(c[3]), c[2], false, 1));
        }
        steps.add(new Step.Answered("done", "FINAL ANSWER: done", false, 3, 1));
        tasks.recordEpisode(spec, steps, new Outcome.Answered("done", false, null, List.of(), 20));
        return spec.id();
    }

    @Test
    void reads_each_real_task_once_pairing_calls_with_results_and_keeps_tenants_and_dreams_apart() {
        String real = record("replay-a", "What is 2+2, and is there news about it?", CaseSource.REAL, List.of(
                new String[] {"calculator", "{\"expression\": \"2+2\"}", "4", "true"},
                new String[] {"web_search", "{\"query\": \"news about 2+2\"}", "y".repeat(300), "false"}));
        record("replay-a", "What is 3+3 in a dream?", CaseSource.SYNTHETIC, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"3+3\"}", "dreamt 6", "true"}));
        record("replay-b", "What is 5+5?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"5+5\"}", "10", "true"}));

        buffer.ingest(); // the background reading may have been first: what counts is what the buffer holds after
        assertThat(buffer.ingest()).isZero();

        List<ReplayTransition> a = buffer.similar("replay-a", "What is 7+7?", "calculator",
                "{\"expression\": \"7+7\"}", 10);
        assertThat(a).extracting(ReplayTransition::tool).containsExactly("calculator", "web_search");
        assertThat(a).allMatch(t -> t.tenant().equals("replay-a") && t.taskId().equals(real));
        ReplayTransition search = a.get(1);
        assertThat(search.ok()).isFalse();
        assertThat(search.history()).isEqualTo("1. calculator {\"expression\": \"2+2\"} -> 4");
        assertThat(search.observation()).isEqualTo("y".repeat(100) + " [cut: 300 characters in all]");
        assertThat(a.get(0).history()).isEqualTo("(none)");
        assertThat(buffer.similar("replay-b", "What is 7+7?", "calculator", "{}", 10))
                .extracting(ReplayTransition::observation).containsExactly("10");
        assertThat(buffer.stats("replay-a").byTool()).containsEntry("calculator", 1L).containsEntry("web_search", 1L);
        assertThat(buffer.stats("replay-a").sourceTasks()).isEqualTo(1);
        assertThat(buffer.stats("replay-a").transitions()).isEqualTo(2);
        assertThat(buffer.stats("replay-b").transitions()).isEqualTo(1);
        assertThat(buffer.similar("replay-c", "What is 7+7?", "calculator", "{}", 10)).isEmpty();
    }

    @Test
    void a_tenant_keeps_only_its_newest_transitions() {
        List<String[]> calls = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            calls.add(new String[] {"calculator", "{\"expression\": \"" + i + "*" + i + "\"}", Integer.toString(i * i),
                    "true"});
        }
        record("replay-bounded", "Square the numbers 1 to 5", CaseSource.REAL, calls);
        record("replay-bounded", "Nothing to compute here", CaseSource.REAL, List.of());

        buffer.ingest();

        assertThat(buffer.stats("replay-bounded").transitions()).isEqualTo(3);
        assertThat(buffer.stats("replay-bounded").sourceTasks()).isEqualTo(2);
        assertThat(buffer.similar("replay-bounded", "Square 6", "calculator", "{\"expression\": \"6*6\"}", 10))
                .extracting(ReplayTransition::observation).containsExactlyInAnyOrder("9", "16", "25");
    }

    @Test
    void reading_tasks_embeds_nothing_and_the_first_search_embeds_each_transition_once_for_every_instance() {
        Embedder real = buffer.embedder();
        CountingEmbedder counting = new CountingEmbedder(real);
        ReplayTransitions first = anotherInstance(counting);
        record("replay-lazy", "What is 6*7, and what does the web say about it?", CaseSource.REAL, List.of(
                new String[] {"calculator", "{\"expression\": \"6*7\"}", "42", "true"},
                new String[] {"web_search", "{\"query\": \"6*7 meaning\"}", "the answer to everything", "true"}));
        record("replay-lazy", "What is 9-3?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"9-3\"}", "6", "true"}));

        first.ingest();

        assertThat(counting.texts()).isZero();
        assertThat(first.stats("replay-lazy").transitions()).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM replay_transitions WHERE tenant = 'replay-lazy' "
                + "AND embedding IS NULL AND embedding_model IS NULL", Long.class)).isEqualTo(3);

        String task = "What is 6*8?";
        String arguments = "{\"expression\": \"6*8\"}";
        List<ReplayTransition> found = first.similar("replay-lazy", task, "calculator", arguments, 3);

        assertThat(counting.texts()).isEqualTo(3 + 1); // the three transitions, then the query
        // the order of vectors embedded one by one from what ingestion embedded before
        float[] query = real.embed(ReplayTransition.embeddingText("calculator", arguments, task));
        List<ReplayTransition> stored = records.newest("replay-lazy", 3);
        assertThat(found).containsExactlyElementsOf(stored.stream().sorted(Comparator.comparingDouble(
                t -> -dot(query, real.embed(ReplayTransition.embeddingText(t.tool(), t.arguments(), t.task())))))
                .toList());
        jdbc.query("SELECT tool, arguments, task_text, embedding_model, embedding FROM replay_transitions "
                + "WHERE tenant = 'replay-lazy'", rs -> {
            assertThat(rs.getString("embedding_model")).isEqualTo(real.modelId());
            float[] expected = real.embed(ReplayTransition.embeddingText(rs.getString("tool"), rs.getString("arguments"),
                    rs.getString("task_text")));
            assertThat(VectorBytes.floats(rs.getBytes("embedding"))).containsExactly(expected, within(1e-5f));
        });

        assertThat(anotherInstance(counting).similar("replay-lazy", task, "calculator", arguments, 3))
                .isEqualTo(found);
        assertThat(first.similar("replay-lazy", task, "calculator", arguments, 3)).isEqualTo(found);
        assertThat(counting.texts()).isEqualTo(3 + 1 + 1 + 1); // each later search embeds its query only
    }

    @Test
    void preparing_a_tenant_embeds_its_transitions_and_no_other_tenants() {
        CountingEmbedder counting = new CountingEmbedder(buffer.embedder());
        ReplayTransitions instance = anotherInstance(counting);
        record("replay-prepared", "What is 2*21?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"2*21\"}", "42", "true"}));
        record("replay-unprepared", "What is 3*14?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"3*14\"}", "42", "true"}));
        instance.ingest();

        instance.prepare("replay-prepared");

        assertThat(counting.texts()).isEqualTo(1);
        assertThat(records.unembedded("replay-prepared", 0, 10)).isEmpty();
        assertThat(records.unembedded("replay-unprepared", 0, 10)).singleElement()
                .satisfies(u -> assertThat(u.arguments()).isEqualTo("{\"expression\": \"3*14\"}"));
    }

    @Test
    void transitions_added_while_a_refresh_runs_are_found_by_the_next_search() throws Exception {
        String tenant = "replay-during-refresh";
        PausingRecords pausing = new PausingRecords(jdbc);
        ReplayTransitions instance = anotherInstance(pausing, buffer.embedder(), settings);
        record(tenant, "What is 4*4?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"4*4\"}", "16", "true"}));
        instance.ingest();
        String task = "What is 4*5?";
        String arguments = "{\"expression\": \"4*5\"}";

        try (ExecutorService searching = Executors.newSingleThreadExecutor()) {
            Future<List<ReplayTransition>> first = searching.submit(
                    () -> instance.similar(tenant, task, "calculator", arguments, 10));
            assertThat(pausing.paused.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the refresh read").isTrue();
            record(tenant, "What is 5*5?", CaseSource.REAL, List.<String[]>of(
                    new String[] {"calculator", "{\"expression\": \"5*5\"}", "25", "true"}));
            assertThat(instance.ingest()).isEqualTo(1);
            pausing.released.countDown();
            assertThat(first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).extracting(ReplayTransition::observation)
                    .containsExactly("16");
        }

        assertThat(instance.similar(tenant, task, "calculator", arguments, 10))
                .extracting(ReplayTransition::observation).containsExactlyInAnyOrder("16", "25");
    }

    @Test
    void a_transition_embedded_meanwhile_keeps_the_embedding_it_has() {
        record("replay-race", "What is 1+1?", CaseSource.REAL, List.<String[]>of(
                new String[] {"calculator", "{\"expression\": \"1+1\"}", "2", "true"}));
        buffer.ingest();
        ReplayRecords.Unembedded row = records.unembedded("replay-race", 0, 10).getFirst();
        float[] mine = buffer.embedder().embed("calculator 1+1");

        assertThat(records.embed(List.of(new ReplayRecords.Vector(row.id(), mine)), "first-replica")).isEqualTo(1);
        assertThat(records.embed(List.of(new ReplayRecords.Vector(row.id(), new float[mine.length])), "second-replica"))
                .isZero();

        assertThat(records.unembedded("replay-race", 0, 10)).isEmpty();
        assertThat(records.newestVectors("replay-race", "first-replica", 10)).singleElement()
                .satisfies(v -> assertThat(v.embedding()).containsExactly(mine));
        assertThat(records.newestVectors("replay-race", "second-replica", 10)).isEmpty();
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
