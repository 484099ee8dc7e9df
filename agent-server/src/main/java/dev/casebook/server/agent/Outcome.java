package dev.casebook.server.agent;

import java.util.List;
import java.util.UUID;

/**
 * How a task ended.
 *
 * <p>{@code Answered}: an answer was produced. {@code Failed}: no answer; {@code reason} is a {@link StopReason}
 * code such as {@code no_model_configured}, {@code llm_unavailable}, {@code invalid_plan}, {@code truncated},
 * {@code budget_tokens}, {@code budget_time}, {@code cancelled}.
 */
public sealed interface Outcome {

    /** Cases selected for the planner, with scores, so a late reward can be credited to them. */
    List<Step.CasesSelected.Pick> selected();

    long tokens();

    /**
     * The task text's embedding computed for case selection (the M-MDP state), so what follows in the same episode
     * (the case write, the policy's update) reuses it instead of embedding the text again; null when no selection
     * ran (memory off, or the task stopped before it).
     */
    float[] state();

    record Answered(String answer, boolean forced, UUID caseId, List<Step.CasesSelected.Pick> selected, long tokens,
                    float[] state) implements Outcome {

        public Answered(String answer, boolean forced, UUID caseId, List<Step.CasesSelected.Pick> selected,
                long tokens) {
            this(answer, forced, caseId, selected, tokens, null);
        }
    }

    /** {@code reason} is a {@link StopReason} code, as the task's record keeps it. */
    record Failed(String reason, String detail, List<Step.CasesSelected.Pick> selected, long tokens, float[] state)
            implements Outcome {
        public Failed {
            StopReason.of(reason);
        }

        public Failed(String reason, String detail, List<Step.CasesSelected.Pick> selected, long tokens) {
            this(reason, detail, selected, tokens, null);
        }

        public Failed(StopReason reason, String detail, List<Step.CasesSelected.Pick> selected, long tokens,
                float[] state) {
            this(reason.code(), detail, selected, tokens, state);
        }

        public Failed(StopReason reason, String detail, List<Step.CasesSelected.Pick> selected, long tokens) {
            this(reason.code(), detail, selected, tokens, null);
        }

        public StopReason stopReason() {
            return StopReason.of(reason);
        }
    }
}
