package dev.casebook.server.agent;

import java.util.List;
import java.util.UUID;

/**
 * One thing that happened while the agent worked a task. Steps are emitted in order through a
 * {@link StepListener}; run records persist them and the SSE stream sends them. Every step carries the name of the
 * LLM interaction or phase that produced it and the tokens it used (0 when no LLM was called).
 */
public sealed interface Step {

    /** The phase that produced the step: {@code select}, {@code plan}, {@code replan}, {@code execute}, ... */
    String phase();

    /** Prompt plus completion tokens this step used. */
    long tokens();

    /** Milliseconds the step took. */
    long millis();

    /** Cases chosen by the policy, with their scores and roles. */
    record CasesSelected(String policy, List<Pick> picks, long millis) implements Step {
        /**
         * A chosen case; {@code label}, {@code uses} and {@code successes} are the case's as the policy saw them
         * when it chose (a later reward is learned from with these, not with counts that include it).
         */
        public record Pick(UUID caseId, double score, String role, String task, String label, int uses,
                int successes) {
            public Pick {
                if (uses < 0 || successes < 0 || successes > uses) {
                    throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
                }
            }
        }

        public String phase() {
            return "select";
        }

        public long tokens() {
            return 0;
        }
    }

    /** A plan (JSON subtasks) from the planner; {@code iteration} 1 is {@code plan}, later ones {@code replan}. */
    record Planned(int iteration, String planJson, List<String> subtasks, long tokens, long millis) implements Step {
        public String phase() {
            return iteration == 1 ? "plan" : "replan";
        }
    }

    /** The executor called a tool. */
    record ToolCalled(int subtask, String callId, String tool, String argumentsJson, long tokens, long millis)
            implements Step {
        public String phase() {
            return "execute";
        }
    }

    /** A tool answered; {@code ok} false for an expected failure the model saw as text. */
    record ToolReturned(int subtask, String callId, String tool, boolean ok, String result, boolean truncated,
            long millis) implements Step {
        public String phase() {
            return "execute";
        }

        public long tokens() {
            return 0;
        }
    }

    /** The executor finished a subtask with this result. */
    record SubtaskDone(int subtask, String description, String result, long tokens, long millis) implements Step {
        public String phase() {
            return "execute";
        }
    }

    /** The final answer; {@code forced} when the planner's iterations ran out and the answer step was forced. */
    record Answered(String answer, String rawText, boolean forced, long tokens, long millis) implements Step {
        public String phase() {
            return "answer";
        }
    }

    /** A reward was given to the episode (scorer, judge or feedback). */
    record Rewarded(double reward, String by, long tokens, long millis) implements Step {
        public String phase() {
            return "reward";
        }
    }

    /** Memory was rewritten: a case added or updated, and the selected cases credited. */
    record MemoryWritten(UUID caseId, boolean updatedExisting, List<UUID> credited, long millis) implements Step {
        public String phase() {
            return "memory";
        }

        public long tokens() {
            return 0;
        }
    }

    /** The task ended without an answer, or a budget was hit; {@code reason} is a stable code. */
    record Stopped(String reason, String detail, long millis) implements Step {
        public String phase() {
            return "stop";
        }

        public long tokens() {
            return 0;
        }
    }
}
