package dev.casebook.server.tasks;

import java.time.Duration;
import tools.jackson.databind.node.ObjectNode;

/**
 * One reader's view of a task's events ({@link TaskEvents#follow}): every step in {@code seq} order, then
 * {@link Ended} with the task's final status. A task not running here is followed through its run records, which
 * are polled. {@link Abandoned} instead of {@code Ended} when the task stopped here without an outcome (its claim was
 * lost or given back): it runs again elsewhere, and a new feed follows it from the records. Close the feed when done.
 */
public interface TaskFeed extends AutoCloseable {

    /**
     * The next event, waiting at most {@code timeout} (null: until one comes); null when none came in time. After
     * {@link Ended} or {@link Abandoned}, the same event again.
     *
     * @throws InterruptedException when the calling thread is interrupted while it waits
     */
    Event next(Duration timeout) throws InterruptedException;

    /** Stops following; the feed gets no more events. */
    @Override
    void close();

    /** What a feed gives. */
    sealed interface Event {
    }

    /** A step of the task as {@code /api/tasks/{id}/steps} shows it: seq, type, phase, tokens, the step's fields. */
    record StepEvent(int seq, String type, ObjectNode step) implements Event {
    }

    /** The task ended with this status ({@code answered}, {@code failed}, {@code cancelled}). */
    record Ended(String status) implements Event {
    }

    /** The task stopped here without an outcome and runs again, elsewhere or later. */
    record Abandoned() implements Event {
    }
}
