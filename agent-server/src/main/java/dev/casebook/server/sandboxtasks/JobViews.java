package dev.casebook.server.sandboxtasks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.casebook.server.batch.JobView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON views of sandbox task jobs ({@link JobReports} and {@link JobProgress} build them). */
final class JobViews {
    private JobViews() {
    }

    /**
     * A job with its progress.
     *
     * @param isolation how the sandbox isolates a run here; null when there is no sandbox
     * @param runLimits how the sandbox limits a run's time and memory; null when there is no sandbox
     */
    @Schema(name = "SandboxTaskJob")
    record Job(String id, String name, String status, String error, Settings settings, String isolation,
               String runLimits, Tasks tasks, Rollouts rollouts, Difficulty difficulty, Groups groups,
               long tokensSpent, Instant createdAt, Instant startedAt, Instant resumedAt, Instant finishedAt)
            implements JobView {
    }

    /** The kept tasks' groups ({@link RolloutGroup}): in all, decided, and how many decided each outcome. */
    @Schema(name = "SandboxTaskJobGroups")
    record Groups(int total, int decided, Map<String, Integer> outcomes) {
    }

    /**
     * What a kept task's group decided from its rollouts: the outcome, the triage's verdict when every rollout failed,
     * the success rate, the lesson and the cases written.
     */
    @Schema(name = "SandboxTaskGroup")
    record Group(String status, String outcome, String detail, String triage, Double successRate, String lesson,
                 String positiveCaseId, String negativeCaseId, Long tokens, Instant finishedAt) {
    }

    /**
     * A job's settings as the API shows them.
     *
     * @param models per role the model name, or {@code {profile, model}} for a role that uses a model profile
     * @param given  how many tasks the request gave (instead of generated ones)
     */
    @Schema(name = "SandboxTaskJobSettings")
    record Settings(String domain, int tasks, int rolloutsPerTask, int concurrency, int tasksPerRound,
                    int startDifficulty, String memoryMode, String policy, Map<String, Object> models, Long maxTokens,
                    Integer repairAttempts, Boolean dedupe, String seedFrom, List<String> seeds,
                    CurriculumSettings curriculum, int given) {
    }

    /** Whether the curriculum may raise the difficulty above the start. */
    @Schema(name = "SandboxTaskJobCurriculum")
    record CurriculumSettings(Boolean harder) {
    }

    /** The job's progress: its tasks, its rollouts and the capability boundary ({@link JobProgress}). */
    record Progress(Tasks tasks, Rollouts rollouts, Difficulty difficulty) {
    }

    /**
     * Generated tasks: generations in all ({@code total}), done, kept and discarded (with the count per reason), and
     * how validation went.
     */
    @Schema(name = "SandboxTaskJobTasks")
    record Tasks(int total, int generated, int kept, int discarded, Map<String, Integer> discardReasons,
                 Map<String, Object> validation) {
    }

    /** Rollouts in all, done, running, passed, failed, errors (done but not scored), and the success rate. */
    @Schema(name = "SandboxTaskJobRollouts")
    record Rollouts(int total, int done, int running, int passed, int failed, int errors, Double successRate) {
    }

    /** The capability boundary: the current level, the target success rate, success per level and per round. */
    @Schema(name = "SandboxTaskJobDifficulty")
    record Difficulty(int current, double target, List<Level> levels, List<Round> rounds) {
    }

    /** One difficulty level: tasks generated and kept, rollouts, passed, success rate. */
    @Schema(name = "SandboxTaskJobLevel")
    record Level(int level, int generated, int kept, int rollouts, int passed, Double successRate) {
    }

    /**
     * A round of the curriculum; a finished round has the level the curriculum moved to after it ({@code next}) and
     * why ({@code reason}), absent otherwise.
     */
    @Schema(name = "SandboxTaskJobRound")
    record Round(int round, Integer difficulty, int generated, int kept, int rollouts, int passed, Double successRate,
                 boolean finished, @JsonInclude(JsonInclude.Include.NON_NULL) Integer next,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
    }

    /** The progress view with every generated task and every rollout. */
    @Schema(name = "SandboxTaskJobResults")
    record Results(@JsonUnwrapped Job job, List<GeneratedTask> generatedTasks, List<RolloutResult> rolloutResults) {
    }

    /**
     * A generated task, kept or discarded (why), with its programs, the repairs it went through and its group (null
     * while it has none).
     */
    @Schema(name = "SandboxTaskGeneratedTask")
    record GeneratedTask(int slot, int round, int difficulty, Integer estimate, boolean kept, String reason,
                         String detail, String statement, Map<String, String> files, String validator,
                         String reference, String referenceAnswer, String nearMiss,
                         List<SandboxTaskRecords.Repair> repairs, String seed, Group group, long tokens,
                         long millis) {
    }

    /** A rollout of a kept task: its reward, the validator's verdict and output, the lesson of a failure. */
    @Schema(name = "SandboxTaskRollout")
    record RolloutResult(int slot, int rollout, int round, int difficulty, String status, String taskId,
                         Double reward, String verdict, String validatorOutput, String lesson, String caseId,
                         String outcome, String detail, Long tokens, Long millis, Instant finishedAt) {
    }
}
