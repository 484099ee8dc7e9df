package dev.casebook.server.synthesis;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;

/** What a dream job's progress and results look like. */
@Component
class DreamReports {
    private final DreamRecords records;
    private final Fidelity fidelity;

    DreamReports(DreamRecords records, Fidelity fidelity) {
        this.records = records;
        this.fidelity = fidelity;
    }

    /**
     * The job with its progress: rollouts done of the total so far, running, pending, rewards, curriculum rounds, and
     * the tenant's latest measured fidelity of the experience model (null when never measured).
     */
    DreamViews.Job view(DreamRecords.Job job) {
        DreamRecords.Counts counts = records.counts(job.id());
        return new DreamViews.Job(job.id(), job.name(), job.status().wire(), job.settings(), counts.rollouts(),
                counts.done(), counts.running(), counts.pending(), counts.rated(), counts.successes(),
                counts.meanReward(), new DreamViews.CurriculumProgress(counts.rounds(), counts.roundsDone()),
                counts.tokens(), job.error(), fidelity.latest(job.tenant()).orElse(null), job.createdAt(),
                job.startedAt(), job.finishedAt());
    }

    /** The job, every task with its rollouts' rewards, every rollout, what each curriculum round did, each group. */
    DreamViews.Results results(DreamRecords.Job job) {
        List<DreamRecords.Item> items = records.items(job.id());
        return new DreamViews.Results(view(job),
                records.taskStats(job.id()).stream().map(DreamReports::task).toList(),
                items.stream().filter(i -> DreamRecords.ROLLOUT.equals(i.kind())).map(DreamReports::rollout).toList(),
                items.stream().filter(i -> DreamRecords.CURRICULUM.equals(i.kind())).map(DreamReports::round)
                        .toList(),
                items.stream().filter(i -> DreamRecords.GROUP.equals(i.kind())).map(DreamReports::group).toList());
    }

    private static DreamViews.Task task(DreamRecords.TaskStats t) {
        return new DreamViews.Task(t.task().no(), t.task().text(), t.task().parent(), t.task().round(), t.rollouts(),
                t.rated(), t.successRate(), t.meanReward(), t.task().variedIn());
    }

    private static DreamViews.Rollout rollout(DreamRecords.Item i) {
        return new DreamViews.Rollout(i.seq(), (i.epoch() - 1) / 2, i.taskNo(), i.task(), i.status(), i.outcome(),
                i.reward(), i.detail(), i.taskId(), i.caseId(), i.tokens(), i.experienceTokens(), i.millis(),
                i.transitions() == null ? List.of()
                        : DreamRecords.JSON.readValue(i.transitions(), new TypeReference<List<Map<String, Object>>>() { }),
                i.finishedAt());
    }

    private static DreamViews.Group group(DreamRecords.Item i) {
        return new DreamViews.Group(i.seq(), i.taskNo(), i.task(), i.status(), i.outcome(), i.detail(), i.caseId(),
                i.experienceTokens(), i.finishedAt());
    }

    private static DreamViews.Round round(DreamRecords.Item i) {
        return new DreamViews.Round(i.epoch() / 2, i.status(), i.outcome(), i.detail() == null ? null
                : DreamRecords.JSON.readValue(i.detail(), new TypeReference<Map<String, Object>>() { }),
                i.experienceTokens(), i.finishedAt());
    }
}
