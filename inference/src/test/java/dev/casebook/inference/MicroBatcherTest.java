package dev.casebook.inference;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    /** Gives "caller/item" back as "CALLER/ITEM", recording each batch; the first batch waits for the gate. */
    private static final class Recording implements Function<List<String>, List<String>> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public List<String> apply(List<String> items) {
            batches.add(List.copyOf(items));
            firstStarted.countDown();
            try {
                if (!gate.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return items.stream().map(String::toUpperCase).toList();
        }
    }

    private static MicroBatcher.Settings settings(int maxBatch, Duration maxWait) {
        return new MicroBatcher.Settings(Duration.ZERO, maxBatch, maxWait, 1);
    }

    @Test
    void concurrent_callers_share_batches_and_each_gets_its_own_results_in_order() throws Exception {
        Recording model = new Recording();
        int callers = 24;
        int itemsEach = 5;
        ExecutorService pool = Executors.newFixedThreadPool(callers + 1);
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", settings(256, DEADLINE), model)) {
            // a first caller occupies the worker, so the others' items queue up behind it
            Future<List<String>> first = pool.submit(() -> batcher.process(List.of("first/0")));
            assertThat(model.firstStarted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < itemsEach; i++) {
                    items.add("caller" + c + "/" + i);
                }
                results.add(pool.submit(() -> batcher.process(items)));
            }
            awaitQueued(batcher, callers * itemsEach);
            model.gate.countDown();

            assertThat(first.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).containsExactly("FIRST/0");
            for (int c = 0; c < callers; c++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < itemsEach; i++) {
                    expected.add("CALLER" + c + "/" + i);
                }
                assertThat(results.get(c).get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("caller %d", c)
                        .containsExactlyElementsOf(expected);
            }
            assertThat(model.batches).hasSize(2);
            assertThat(model.batches.get(1)).as("the queued items of all callers ran as one batch")
                    .hasSize(callers * itemsEach);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void batches_hold_at_most_max_batch_items() throws Exception {
        Recording model = new Recording();
        model.gate.countDown();
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", settings(4, DEADLINE), model)) {
            List<String> items = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

            assertThat(batcher.process(items)).containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
            assertThat(model.batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(4));
            assertThat(model.batches.stream().mapToInt(List::size).sum()).isEqualTo(10);
        }
    }

    @Test
    void a_caller_waits_at_most_max_wait_and_its_queued_items_are_dropped() throws Exception {
        Recording model = new Recording();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", settings(64,
                Duration.ofMillis(200)), model)) {
            Future<?> blocking = pool.submit(() -> {
                try {
                    batcher.process(List.of("blocks"));
                } catch (InferenceException expected) {
                    // this caller times out too, while its batch is still running
                }
            });
            assertThat(model.firstStarted.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> batcher.process(List.of("late")))
                    .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("test: no result within PT0.2S");
            assertThat(batcher.queued()).isZero();
            model.gate.countDown();
            blocking.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_failing_batch_fails_its_callers_and_the_queue_goes_on() {
        Function<List<String>, List<String>> model = items -> {
            if (items.contains("poison")) {
                throw new IllegalStateException("bad input");
            }
            return items;
        };
        try (MicroBatcher<String, String> batcher = new MicroBatcher<>("test", settings(64, DEADLINE), model)) {
            assertThatThrownBy(() -> batcher.process(List.of("poison")))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("test: a batch failed: java.lang.IllegalStateException: bad input");
            assertThat(batcher.process(List.of("fine"))).containsExactly("fine");
        }
    }

    @Test
    void a_closed_queue_refuses_work() {
        MicroBatcher<String, String> batcher = new MicroBatcher<>("test", settings(64, DEADLINE), items -> items);
        batcher.close();

        assertThatThrownBy(() -> batcher.process(List.of("x"))).isInstanceOf(InferenceException.class)
                .hasMessage("test is closed");
        assertThat(batcher.process(List.of())).isEmpty();
    }

    private static void awaitQueued(MicroBatcher<?, ?> batcher, int items) {
        eventually(items + " items queued", DEADLINE, batcher::queued, queued -> queued >= items);
    }
}
