package dev.casebook.server.tasks;

import java.time.Instant;
import java.util.List;

/**
 * A task as the API shows it; {@code source} is {@code real}, {@code synthetic} for a dream rollout (its tools were
 * answered by the experience model), or {@code sandbox} for a generated task's rollout in a sandboxed workspace.
 * {@code attempt} counts the times it was started (more than 1 when a server running it stopped and it ran again);
 * {@code cancelRequestedAt} is set once a cancel was asked of the instance running it. {@code tokensEstimated}: some
 * of {@code tokens} are estimated, because the model's server sent no usage for a call. {@code bank}: the case bank a
 * read-write task writes its case to; {@code banks}: those its cases are selected from (empty: every bank).
 */
public record TaskView(String id, String text, String status, String answer, String reason, String detail,
        Double reward, String rewardBy, long tokens, String caseId, List<Selected> selected, Instant createdAt,
        Instant startedAt, Instant finishedAt, String memoryMode, String policy, String[] attachments,
        String source, int attempt, Instant cancelRequestedAt, boolean tokensEstimated, String bank,
        String[] banks) {

    /** A case selected for the planner, with the policy's score and the role it played. */
    public record Selected(String caseId, double score, String role, String task, String label) {
    }
}
