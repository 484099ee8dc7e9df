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

    /**
     * What the model calls of a step said besides their result: the reasoning (empty when the model gave none or the
     * role does not keep it, {@code keep-reasoning}), its tokens (part of the completion tokens), whether the step's
     * tokens are estimated because the endpoint sent no usage, and the step's tokens split into those of the prompts
     * sent and those of the completions received (as the endpoint counted them, or estimated).
     */
    record LlmUse(String reasoning, long reasoningTokens, boolean tokensEstimated, long promptTokens,
            long completionTokens) {
        public static final LlmUse NONE = new LlmUse("", 0, false, 0, 0);

        public LlmUse {
            reasoning = reasoning == null ? "" : reasoning;
            if (reasoningTokens < 0 || promptTokens < 0 || completionTokens < 0) {
                throw new IllegalArgumentException("token counts must not be negative, were " + reasoningTokens
                        + " (reasoning), " + promptTokens + " (prompt) and " + completionTokens + " (completion)");
            }
        }

        /** Two calls' use: reasonings joined in order, tokens summed, estimated when either was. */
        public LlmUse plus(LlmUse other) {
            String joined = reasoning.isEmpty() ? other.reasoning : other.reasoning.isEmpty() ? reasoning
                    : reasoning + "\n\n" + other.reasoning;
            return new LlmUse(joined, reasoningTokens + other.reasoningTokens,
                    tokensEstimated || other.tokensEstimated, promptTokens + other.promptTokens,
                    completionTokens + other.completionTokens);
        }
    }

    /**
     * Cases chosen by the policy, with their scores and roles, and the distilled insights the planner is shown beside
     * them ({@code insights}; empty when insights are off or none is of the task's family).
     */
    record CasesSelected(String policy, List<Pick> picks, long millis, List<ShownInsight> insights) implements Step {
        public CasesSelected {
            picks = List.copyOf(picks);
            insights = insights == null ? List.of() : List.copyOf(insights);
        }

        public CasesSelected(String policy, List<Pick> picks, long millis) {
            this(policy, picks, millis, List.of());
        }

        /**
         * An insight shown to the planner: its id, family and text, the cosine between the task and its family
         * centroid, and the evidence counts it was distilled from.
         */
        public record ShownInsight(UUID insightId, double score, String family, String text, int successes,
                int failures) {
        }

        /**
         * A chosen case; {@code label}, {@code uses} and {@code successes} are the case's as the policy saw them
         * when it chose (a later reward is learned from with these, not with counts that include it). {@code source}
         * is where the case came from ({@code real}, {@code synthetic}, {@code sandbox}, ...; null in records written
         * before it was kept); {@code confirmed} and {@code refuted} are the case's as the planner was shown it
         * (whether a real outcome had confirmed or refuted a synthetic or sandbox case; absent from records written
         * before they were kept).
         */
        public record Pick(UUID caseId, double score, String role, String task, String label, int uses,
                int successes, String source, boolean confirmed, boolean refuted) {
            public Pick {
                if (uses < 0 || successes < 0 || successes > uses) {
                    throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
                }
            }

            /** A pick whose source is not known. */
            public Pick(UUID caseId, double score, String role, String task, String label, int uses, int successes) {
                this(caseId, score, role, task, label, uses, successes, null, false, false);
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
    record Planned(int iteration, String planJson, List<String> subtasks, long tokens, long millis, LlmUse llm)
            implements Step {
        public Planned(int iteration, String planJson, List<String> subtasks, long tokens, long millis) {
            this(iteration, planJson, subtasks, tokens, millis, LlmUse.NONE);
        }

        public String phase() {
            return iteration == 1 ? "plan" : "replan";
        }
    }

    /**
     * The executor called a tool; {@code dialect} says how the call was written ({@code native} {@code tool_calls}, or
     * in the text: {@code hermes}, {@code mistral}, {@code llama3}, {@code json}).
     */
    record ToolCalled(int subtask, String callId, String tool, String argumentsJson, long tokens, long millis,
            String dialect, LlmUse llm) implements Step {
        public ToolCalled(int subtask, String callId, String tool, String argumentsJson, long tokens, long millis) {
            this(subtask, callId, tool, argumentsJson, tokens, millis, "native", LlmUse.NONE);
        }

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
    record SubtaskDone(int subtask, String description, String result, long tokens, long millis, LlmUse llm)
            implements Step {
        public SubtaskDone(int subtask, String description, String result, long tokens, long millis) {
            this(subtask, description, result, tokens, millis, LlmUse.NONE);
        }

        public String phase() {
            return "execute";
        }
    }

    /** The final answer; {@code forced} when the planner's iterations ran out and the answer step was forced. */
    record Answered(String answer, String rawText, boolean forced, long tokens, long millis, LlmUse llm)
            implements Step {
        public Answered(String answer, String rawText, boolean forced, long tokens, long millis) {
            this(answer, rawText, forced, tokens, millis, LlmUse.NONE);
        }

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

    /**
     * The prompt of a step was made smaller to fit the model's context window: before the call, from the configured
     * or probed window ({@code cause} {@code context_window_setting}), or after the endpoint refused it
     * ({@code context_window_error}); {@code how} says what went (older tool results shortened or dropped, fewer
     * cases, shorter results of earlier subtasks). Token counts are estimates.
     */
    record PromptShrunk(String interaction, String cause, String how, long tokensBefore, long tokensAfter,
            long millis) implements Step {
        public String phase() {
            return interaction;
        }

        public long tokens() {
            return 0;
        }
    }

    /**
     * A finished episode was not written to case memory because its stop was not the agent's failure
     * ({@link StopReason#agentAtFault()}): the model's output format, an unreachable model, a budget of the server,
     * cancellation, interruption.
     */
    record MemorySkipped(String reason, String detail, long millis) implements Step {
        public String phase() {
            return "memory";
        }

        public long tokens() {
            return 0;
        }
    }

    /** The task ended without an answer, or a budget was hit; {@code reason} is a {@link StopReason} code. */
    record Stopped(String reason, String detail, long millis) implements Step {
        public Stopped(StopReason reason, String detail, long millis) {
            this(reason.code(), detail, millis);
        }

        public String phase() {
            return "stop";
        }

        public long tokens() {
            return 0;
        }
    }
}
