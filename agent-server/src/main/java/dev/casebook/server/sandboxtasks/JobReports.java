package dev.casebook.server.sandboxtasks;

import dev.casebook.server.batch.ProgressEvents;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** A job as the API shows it: its progress ({@link JobProgress}), its results, its progress as server-sent events. */
@Component
class JobReports {
    private final SandboxTaskRecords records;
    private final TaskSandbox sandbox;

    JobReports(SandboxTaskRecords records, TaskSandbox sandbox) {
        this.records = records;
        this.sandbox = sandbox;
    }

    JobViews.Job view(SandboxTaskRecords.Job job) {
        SandboxTaskCounts counts = records.counts();
        List<SandboxTaskCounts.ItemCount> items = counts.itemCounts(job.id());
        JobViews.Progress progress = JobProgress.view(job.settings(), items, counts.taskCounts(job.id()),
                ValidationReport.of(counts.validations(job.id())));
        return new JobViews.Job(job.id(), job.name(), job.status().wire(), job.error(), settings(job.settings()),
                sandbox.isolation(), sandbox.runLimits(), progress.tasks(), progress.rollouts(), progress.difficulty(),
                groupCounts(records.groups(job.id())), JobProgress.tokensSpent(items), job.createdAt(), job.startedAt(), job.resumedAt(), job.finishedAt());
    }

    /** The progress view with every generated task (kept or discarded, why, and its programs) and every rollout. */
    JobViews.Results results(SandboxTaskRecords.Job job) {
        Map<Integer, SandboxTaskRecords.GroupRow> groups = new HashMap<>();
        records.groups(job.id()).forEach(g -> groups.put(g.slot(), g));
        return new JobViews.Results(view(job), records.tasks(job.id()).stream()
                .map(t -> task(t, groups.get(t.slot()))).toList(),
                records.rollouts(job.id()).stream().map(JobReports::rollout).toList());
    }

    SseEmitter events(String jobId) {
        return ProgressEvents.stream("sandbox-task-events-" + jobId, () -> {
            SandboxTaskRecords.Job job = records.find(jobId).orElseThrow();
            JobViews.Job view = view(job);
            return new ProgressEvents.Snapshot(view, List.of(view.status(), view.tasks(), view.rollouts(),
                    view.groups()), job.status());
        });
    }

    private static JobViews.Settings settings(JobOptions s) {
        Map<String, Object> models = new LinkedHashMap<>();
        s.models().forEach((role, choice) -> models.put(role, choice.profile() == null ? choice.model()
                : Map.of("profile", choice.profile(), "model", choice.model())));
        return new JobViews.Settings(s.domain(), s.tasks(), s.rolloutsPerTask(), s.concurrency(), s.tasksPerRound(),
                s.startDifficulty(), s.memoryMode().wireName(), s.policy(), models, s.maxTokens(), s.repairAttempts(), s.dedupe(),
                s.seedFrom(), s.seeds(), new JobViews.CurriculumSettings(s.harder()), s.given().size());
    }

    /** How many kept tasks' groups were decided, and how, by outcome ({@link RolloutGroup}). */
    private static JobViews.Groups groupCounts(List<SandboxTaskRecords.GroupRow> groups) {
        Map<String, Integer> outcomes = new TreeMap<>();
        int decided = 0;
        for (SandboxTaskRecords.GroupRow g : groups) {
            if ("done".equals(g.status())) {
                decided++;
                outcomes.merge(g.outcome(), 1, Integer::sum);
            }
        }
        return new JobViews.Groups(groups.size(), decided, outcomes);
    }

    /** A task's group: what was decided from its rollouts, the counts, the lesson and the cases written. */
    private static JobViews.Group group(SandboxTaskRecords.GroupRow g) {
        return g == null ? null : new JobViews.Group(g.status(), g.outcome(), g.detail(), g.triage(), g.successRate(),
                g.lesson(), g.positiveCaseId(), g.negativeCaseId(), g.tokens(), g.finishedAt());
    }

    private static JobViews.GeneratedTask task(SandboxTaskRecords.TaskRow t, SandboxTaskRecords.GroupRow group) {
        return new JobViews.GeneratedTask(t.slot(), t.round(), t.difficulty(), t.estimate(), t.kept(), t.reason(),
                t.detail(), t.statement(), t.files(), t.validator(), t.reference(), t.referenceAnswer(), t.nearMiss(),
                t.repairs(), t.seed(), group(group), t.tokens(), t.millis());
    }

    private static JobViews.RolloutResult rollout(SandboxTaskRecords.RolloutRow r) {
        return new JobViews.RolloutResult(r.slot(), r.rollout(), r.round(), r.difficulty(), r.status(), r.taskId(),
                r.reward(), r.verdict(), r.validatorOutput(), r.lesson(), r.caseId(), r.outcome(), r.detail(),
                r.tokens(), r.millis(), r.finishedAt());
    }
}
