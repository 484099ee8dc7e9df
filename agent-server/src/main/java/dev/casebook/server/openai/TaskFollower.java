package dev.casebook.server.openai;

import dev.casebook.server.tasks.TaskEvents;
import dev.casebook.server.tasks.TaskFeed;
import dev.casebook.server.tasks.TaskQueries;
import dev.casebook.server.tasks.TaskView;
import java.io.IOException;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Follows a submitted task to its end through its events ({@link TaskEvents}), telling a listener each step's
 * progress line ({@link ProgressLines}) and each quiet while. A task that stops on this instance without an outcome
 * (it runs again, elsewhere or later) is followed on from its run records without repeating a step.
 */
@Component
class TaskFollower {
    private final TaskEvents events;
    private final TaskQueries records;

    TaskFollower(TaskEvents events, TaskQueries records) {
        this.events = events;
        this.records = records;
    }

    /** What the follower is told. */
    interface Listener {
        /** A line of progress, ending with a newline. */
        void progress(String line) throws IOException;

        /** Nothing happened for the quiet time. */
        void quiet() throws IOException;
    }

    /**
     * The task as it ended, with the reason of its last {@code stopped} step (null when it had none): the reason of a
     * failure, or why an answer was forced; and the completion tokens of its steps' model calls (their
     * {@code llm.completionTokens}), the rest of its tokens being those of the prompts.
     */
    record Ended(TaskView task, String lastStop, long completionTokens) {
    }

    Ended follow(String tenant, String id, Duration quiet, Listener listener)
            throws IOException, InterruptedException {
        int seen = 0;
        String lastStop = null;
        long completionTokens = 0;
        while (true) {
            try (TaskFeed feed = events.follow(tenant, id)) {
                TaskFeed.Event event;
                while (!((event = feed.next(quiet)) instanceof TaskFeed.Abandoned)) {
                    switch (event) {
                        case null -> listener.quiet();
                        case TaskFeed.Ended ended -> {
                            return new Ended(records.get(tenant, id), lastStop, completionTokens);
                        }
                        case TaskFeed.StepEvent step -> {
                            if (step.seq() > seen) {
                                seen = step.seq();
                                completionTokens += step.step().path("llm").path("completionTokens").asLong(0);
                                if (step.type().equals("stopped")) {
                                    lastStop = step.step().path("reason").asString(null);
                                }
                                String line = ProgressLines.of(step.type(), step.step());
                                if (line != null) {
                                    listener.progress(line);
                                }
                            }
                        }
                        case TaskFeed.Abandoned abandoned -> throw new IllegalStateException("ends the loop");
                    }
                }
            }
        }
    }
}
