package dev.casebook.server.synthesis;

import java.util.LinkedHashMap;
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
    Map<String, Object> view(DreamRecords.Job job) {
        DreamRecords.Counts counts = records.counts(job.id());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", job.id());
        view.put("name", job.name());
        view.put("status", job.status().wire());
        view.put("settings", job.settings());
        view.put("total", counts.rollouts());
        view.put("done", counts.done());
        view.put("running", counts.running());
        view.put("pending", counts.pending());
        view.put("rated", counts.rated());
        view.put("successes", counts.successes());
        view.put("meanReward", counts.meanReward());
        view.put("curriculum", Map.of("rounds", counts.rounds(), "done", counts.roundsDone()));
        view.put("tokensSpent", counts.tokens());
        view.put("error", job.error());
        view.put("fidelity", fidelity.latest(job.tenant()).orElse(null));
        view.put("createdAt", job.createdAt());
        view.put("startedAt", job.startedAt());
        view.put("finishedAt", job.finishedAt());
        return view;
    }

    /** The job, every task with its rollouts' rewards, every rollout, and what each curriculum round did. */
    Map<String, Object> results(DreamRecords.Job job) {
        Map<String, Object> results = new LinkedHashMap<>(view(job));
        results.put("tasks", records.taskStats(job.id()).stream().map(DreamReports::task).toList());
        List<DreamRecords.Item> items = records.items(job.id());
        results.put("rollouts", items.stream().filter(i -> DreamRecords.ROLLOUT.equals(i.kind()))
                .map(DreamReports::rollout).toList());
        results.put("rounds", items.stream().filter(i -> DreamRecords.CURRICULUM.equals(i.kind()))
                .map(DreamReports::round).toList());
        return results;
    }

    private static Map<String, Object> task(DreamRecords.TaskStats t) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("no", t.task().no());
        view.put("task", t.task().text());
        view.put("parent", t.task().parent());
        view.put("round", t.task().round());
        view.put("rollouts", t.rollouts());
        view.put("rated", t.rated());
        view.put("successRate", t.successRate());
        view.put("meanReward", t.meanReward());
        view.put("variedIn", t.task().variedIn());
        return view;
    }

    private static Map<String, Object> rollout(DreamRecords.Item i) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("seq", i.seq());
        view.put("round", (i.epoch() - 1) / 2);
        view.put("taskNo", i.taskNo());
        view.put("task", i.task());
        view.put("status", i.status());
        view.put("outcome", i.outcome());
        view.put("reward", i.reward());
        view.put("detail", i.detail());
        view.put("taskId", i.taskId());
        view.put("caseId", i.caseId());
        view.put("tokens", i.tokens());
        view.put("experienceTokens", i.experienceTokens());
        view.put("millis", i.millis());
        view.put("transitions", i.transitions() == null ? List.of()
                : DreamRecords.JSON.readValue(i.transitions(), new TypeReference<List<Map<String, Object>>>() { }));
        view.put("finishedAt", i.finishedAt());
        return view;
    }

    private static Map<String, Object> round(DreamRecords.Item i) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("round", i.epoch() / 2);
        view.put("status", i.status());
        view.put("outcome", i.outcome());
        view.put("summary", i.detail() == null ? null
                : DreamRecords.JSON.readValue(i.detail(), new TypeReference<Map<String, Object>>() { }));
        view.put("experienceTokens", i.experienceTokens());
        view.put("finishedAt", i.finishedAt());
        return view;
    }
}
