package dev.casebook.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Waits on a condition the test cannot be told about (a job's status, a row written by another thread): reads the
 * value again until the condition holds or a generous deadline passes, then fails with what it last saw. The deadline
 * is a ceiling for a loaded machine, never a timing claim; a passing wait returns as soon as the condition holds.
 */
public final class Eventually {
    /** Generous: a loaded machine (several builds on two cores) may take a minute for what takes a second alone. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);
    static final Duration POLL = Duration.ofMillis(50);

    private Eventually() {
    }

    /** Reads the value awaited; a checked exception it throws fails the wait at once. */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /**
     * Reads {@code probe} until {@code condition} accepts what it returned, within {@link #DEFAULT_TIMEOUT}; returns
     * that value.
     *
     * @param what names what is awaited, for the failure message ("task 42 ended")
     * @throws AssertionError after the deadline, with {@code what} and the last value read
     */
    public static <T> T eventually(String what, Probe<T> probe, Predicate<? super T> condition) {
        return eventually(what, DEFAULT_TIMEOUT, probe, condition);
    }

    /** As {@link #eventually(String, Probe, Predicate)}, within {@code timeout}. */
    public static <T> T eventually(String what, Duration timeout, Probe<T> probe, Predicate<? super T> condition) {
        Objects.requireNonNull(what, "what");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = read(what, probe);
            if (condition.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("gave up waiting for " + what + " after " + timeout.toSeconds()
                        + " s; last seen: " + value);
            }
            pause();
        }
    }

    private static <T> T read(String what, Probe<T> probe) {
        try {
            return probe.read();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (Exception e) {
            throw new AssertionError("reading " + what + " failed: " + e, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
