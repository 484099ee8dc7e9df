package dev.casebook.server.sandboxtasks;

import dev.casebook.server.batch.ProgressEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    Map<String, Object> view(SandboxTaskRecords.Job job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", job.id());
        view.put("name", job.name());
        view.put("status", job.status().wire());
        view.put("error", job.error());
        view.put("settings", settings(job.settings()));
        view.put("isolation", sandbox.isolation());
        view.put("runLimits", sandbox.runLimits());
        List<SandboxTaskRecords.ItemCount> items = records.itemCounts(job.id());
        view.putAll(JobProgress.view(job.settings(), items, records.taskCounts(job.id())));
        @SuppressWarnings("unchecked")
        Map<String, Object> tasks = (Map<String, Object>) view.get("tasks");
        tasks.put("validation", ValidationReport.of(records.validations(job.id())));
        view.put("groups", groupCounts(records.groups(job.id())));
        view.put("tokensSpent", JobProgress.tokensSpent(items));
        view.put("createdAt", job.createdAt());
        view.put("startedAt", job.startedAt());
        view.put("resumedAt", job.resumedAt());
        view.put("finishedAt", job.finishedAt());
        return view;
    }

    /** The progress view with every generated task (kept or discarded, why, and its programs) and every rollout. */
    Map<String, Object> results(SandboxTaskRecords.Job job) {
        Map<String, Object> results = view(job);
        Map<Integer, SandboxTaskRecords.GroupRow> groups = new java.util.HashMap<>();
        records.groups(job.id()).forEach(g -> groups.put(g.slot(), g));
        results.put("generatedTasks", records.tasks(job.id()).stream()
                .map(t -> task(t, groups.get(t.slot()))).toList());
        results.put("rolloutResults", records.rollouts(job.id()).stream().map(JobReports::rollout).toList());
        return results;
    }

    SseEmitter events(String jobId) {
        return ProgressEvents.stream("sandbox-task-events-" + jobId, () -> {
            SandboxTaskRecords.Job job = records.find(jobId).orElseThrow();
            Map<String, Object> view = view(job);
            return new ProgressEvents.Snapshot(view, List.of(view.get("status"), view.get("tasks"),
                    view.get("rollouts"), view.get("groups")), job.status());
        });
    }

    private static Map<String, Object> settings(JobSettings s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("domain", s.domain());
        view.put("tasks", s.tasks());
        view.put("rolloutsPerTask", s.rolloutsPerTask());
        view.put("concurrency", s.concurrency());
        view.put("tasksPerRound", s.tasksPerRound());
        view.put("startDifficulty", s.startDifficulty());
        view.put("memoryMode", s.memoryMode());
        view.put("policy", s.policy());
        Map<String, Object> models = new LinkedHashMap<>();
        s.models().forEach((role, choice) -> models.put(role, choice.profile() == null ? choice.model()
                : Map.of("profile", choice.profile(), "model", choice.model())));
        view.put("models", models);
        view.put("maxTokens", s.maxTokens());
        view.put("repairAttempts", s.repairAttempts());
        view.put("dedupe", s.dedupe());
        view.put("seedFrom", s.seedFrom());
        view.put("seeds", s.seeds());
        view.put("curriculum", Map.of("harder", s.harder()));
        view.put("given", s.given().size());
        return view;
    }

    /** How many kept tasks' groups were decided, and how, by outcome ({@link RolloutGroup}). */
    private static Map<String, Object> groupCounts(List<SandboxTaskRecords.GroupRow> groups) {
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        int decided = 0;
        for (SandboxTaskRecords.GroupRow g : groups) {
            if ("done".equals(g.status())) {
                decided++;
                outcomes.merge(g.outcome(), 1, Integer::sum);
            }
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("total", groups.size());
        view.put("decided", decided);
        view.put("outcomes", outcomes);
        return view;
    }

    /** A task's group: what was decided from its rollouts, the counts, the lesson and the cases written. */
    private static Map<String, Object> group(SandboxTaskRecords.GroupRow g) {
        if (g == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", g.status());
        view.put("outcome", g.outcome());
        view.put("detail", g.detail());
        view.put("triage", g.triage());
        view.put("successRate", g.successRate());
        view.put("lesson", g.lesson());
        view.put("positiveCaseId", g.positiveCaseId());
        view.put("negativeCaseId", g.negativeCaseId());
        view.put("tokens", g.tokens());
        view.put("finishedAt", g.finishedAt());
        return view;
    }

    private static Map<String, Object> task(SandboxTaskRecords.TaskRow t, SandboxTaskRecords.GroupRow group) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("slot", t.slot());
        view.put("round", t.round());
        view.put("difficulty", t.difficulty());
        view.put("estimate", t.estimate());
        view.put("kept", t.kept());
        view.put("reason", t.reason());
        view.put("detail", t.detail());
        view.put("statement", t.statement());
        view.put("files", t.files());
        view.put("validator", t.validator());
        view.put("reference", t.reference());
        view.put("referenceAnswer", t.referenceAnswer());
        view.put("nearMiss", t.nearMiss());
        view.put("repairs", t.repairs());
        view.put("seed", t.seed());
        view.put("group", group(group));
        view.put("tokens", t.tokens());
        view.put("millis", t.millis());
        return view;
    }

    private static Map<String, Object> rollout(SandboxTaskRecords.RolloutRow r) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("slot", r.slot());
        view.put("rollout", r.rollout());
        view.put("round", r.round());
        view.put("difficulty", r.difficulty());
        view.put("status", r.status());
        view.put("taskId", r.taskId());
        view.put("reward", r.reward());
        view.put("verdict", r.verdict());
        view.put("validatorOutput", r.validatorOutput());
        view.put("lesson", r.lesson());
        view.put("caseId", r.caseId());
        view.put("outcome", r.outcome());
        view.put("detail", r.detail());
        view.put("tokens", r.tokens());
        view.put("millis", r.millis());
        view.put("finishedAt", r.finishedAt());
        return view;
    }
}
