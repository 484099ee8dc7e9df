package dev.casebook.server.synthesis;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.casebook.server.batch.JobView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON views of dream jobs ({@link DreamReports} builds them). */
final class DreamViews {
    private DreamViews() {
    }

    /**
     * A dream job with its progress.
     *
     * @param total      rollouts of the job so far (curriculum rounds add more)
     * @param rated      finished rollouts the experience model gave a reward
     * @param successes  rated rollouts that succeeded
     * @param meanReward of the rated rollouts; null before the first
     * @param fidelity   the tenant's latest measured fidelity of the experience model; null when never measured
     */
    @Schema(name = "DreamJob")
    record Job(String id, String name, String status, DreamOptions settings, int total, int done, int running,
               int pending, int rated, int successes, Double meanReward, CurriculumProgress curriculum,
               long tokensSpent, String error, Map<String, Object> fidelity, Instant createdAt, Instant startedAt,
               Instant finishedAt) implements JobView {
    }

    /** Curriculum rounds of the job, and how many of them are done. */
    @Schema(name = "DreamCurriculumProgress")
    record CurriculumProgress(int rounds, int done) {
    }

    /**
     * The job, every task with its rollouts' rewards, every rollout, what each curriculum round did, and how the
     * rollouts of each task run more than once were decided together.
     */
    @Schema(name = "DreamJobResults")
    record Results(@JsonUnwrapped Job job, List<Task> tasks, List<Rollout> rollouts, List<Round> rounds,
                   List<Group> groups) {
    }

    /**
     * The rollouts of one task decided together ({@code DreamGroup}).
     *
     * @param outcome        {@code positive}, {@code positive_and_negative}, {@code negative} or {@code no_evidence};
     *                       null until decided
     * @param lesson         the failure analysis's lesson ({@code positive_and_negative} only)
     * @param negativeCaseId the negative case holding the lesson (read-write jobs); null when none was written
     */
    @Schema(name = "DreamGroup")
    record Group(int seq, Integer taskNo, String task, String status, String outcome, String lesson,
                 String negativeCaseId, Long experienceTokens, Instant finishedAt) {
    }

    /** A task of the job: a seed (round 0, no parent) or a variation of {@code parent}, with its rollouts' rewards. */
    @Schema(name = "DreamTask")
    record Task(int no, String task, Integer parent, int round, int rollouts, int rated, Double successRate,
                Double meanReward, Integer variedIn) {
    }

    /** One rollout: its task, how it ended, its reward, the task record and case it left, its transitions. */
    @Schema(name = "DreamRollout")
    record Rollout(int seq, int round, Integer taskNo, String task, String status, String outcome, Double reward,
                   String detail, String taskId, String caseId, Long tokens, Long experienceTokens, Long millis,
                   List<Map<String, Object>> transitions, Instant finishedAt) {
    }

    /** A curriculum round: its status and what it chose and varied ({@code summary}). */
    @Schema(name = "DreamCurriculumRound")
    record Round(int round, String status, String outcome, Map<String, Object> summary, Long experienceTokens,
                 Instant finishedAt) {
    }
}
