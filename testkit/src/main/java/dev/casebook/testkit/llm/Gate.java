package dev.casebook.testkit.llm;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gate that {@linkplain Reply#heldBy(Gate) held replies} wait at until the test {@linkplain #open() opens} it:
 * the way to keep a model call "in flight" for exactly as long as a test needs (while it cancels, kills or stops
 * something), instead of a fixed delay that a slow machine may outlast. Once open it stays open.
 */
public final class Gate {
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();

    /** Releases every reply waiting here, and every later one at once. */
    public void open() {
        open.countDown();
    }

    public boolean isOpen() {
        return open.getCount() == 0;
    }

    /** How many replies wait here now. */
    public int waiting() {
        return waiting.get();
    }

    /** Waits until the gate opens or {@code timeout} passes; true when open. */
    boolean await(Duration timeout) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            return open.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            waiting.decrementAndGet();
        }
    }
}
