package dev.casebook.server.evaluation;

import dev.casebook.eval.run.Aggregate;
import dev.casebook.eval.run.Aggregates;
import dev.casebook.eval.run.Attempt;
import dev.casebook.eval.run.LearningCurve;
import dev.casebook.eval.scoring.GaiaSubmission;
import dev.casebook.server.batch.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** What a run's progress and results look like: views, aggregates, CSV, GAIA submission, learning curve, comparison. */
@Component
class RunReports {
    private final RunRecords records;
    private final double costPerMillionTokens;

    RunReports(RunRecords records, EvaluationSettings settings) {
        this.records = records;
        this.costPerMillionTokens = settings.costPerMillionTokens();
    }

    Map<String, Object> view(RunRecords.Run run) {
        RunRecords.Counts counts = records.counts(run);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id());
        view.put("name", run.name());
        view.put("status", run.status().wire());
        view.put("dataset", Map.of("name", run.datasetName(), "path", run.datasetPath(), "format", run.datasetFormat()));
        view.put("settings", run.settings());
        view.put("total", counts.total());
        view.put("done", counts.done());
        view.put("running", counts.running());
        view.put("pending", counts.pending());
        view.put("correct", counts.correct());
        view.put("accuracy", counts.scored() == 0 ? null : counts.correct() / (double) counts.scored());
        view.put("etaSeconds", eta(run, counts));
        view.put("tokensSpent", counts.tokens());
        view.put("tokensEstimated", counts.tokens() > 0 && records.tokensEstimated(run.id()));
        view.put("error", run.error());
        view.put("createdAt", run.createdAt());
        view.put("startedAt", run.startedAt());
        view.put("finishedAt", run.finishedAt());
        return view;
    }

    private static Long eta(RunRecords.Run run, RunRecords.Counts counts) {
        if (run.status() != RunStatus.RUNNING || run.resumedAt() == null || counts.doneSinceResume() == 0) {
            return null;
        }
        double elapsed = Math.max(1, Duration.between(run.resumedAt(), Instant.now()).toMillis()) / 1000.0;
        double perSecond = counts.doneSinceResume() / elapsed;
        return Math.round((counts.total() - counts.done()) / perSecond);
    }

    static Map<String, Object> itemView(RunRecords.Item item) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("seq", item.seq());
        view.put("epoch", item.epoch());
        view.put("attempt", item.attempt());
        view.put("itemId", item.itemId());
        view.put("group", item.group());
        view.put("question", item.question());
        view.put("golds", item.golds());
        view.put("status", item.status());
        view.put("prediction", item.prediction());
        view.put("outcome", item.outcome());
        view.put("detail", item.detail());
        view.put("correct", item.correct());
        view.put("scores", item.scores());
        view.put("tokens", item.tokens());
        view.put("millis", item.millis());
        view.put("selectedCases", item.selectedCases());
        view.put("guardLeak", item.guardLeak());
        view.put("taskId", item.taskId());
        view.put("finishedAt", item.finishedAt());
        return view;
    }

    List<Attempt> attempts(String runId) {
        return records.doneItems(runId).stream().map(RunReports::attempt).toList();
    }

    static Attempt attempt(RunRecords.Item item) {
        Map<String, Attempt.Score> scores = new LinkedHashMap<>();
        item.scores().forEach((name, s) -> scores.put(name, new Attempt.Score(String.valueOf(s.get("kind")),
                Boolean.TRUE.equals(s.get("correct")), s.get("value") instanceof Number n ? n.doubleValue() : 0,
                Boolean.TRUE.equals(s.get("flagged")))));
        return new Attempt(item.itemId(), item.group(), item.epoch(), item.attempt(), item.seq(),
                "answered".equals(item.outcome()), scores, item.tokens() == null ? 0 : item.tokens(),
                item.millis() == null ? 0 : item.millis());
    }

    Map<Integer, Map<String, Aggregate>> aggregates(RunRecords.Run run) {
        return Aggregates.byEpoch(attempts(run.id()), run.primaryScorer(), costPerMillionTokens);
    }

    Map<String, Object> results(RunRecords.Run run) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", view(run));
        out.put("aggregates", aggregates(run));
        out.put("items", records.doneItems(run.id()).stream().map(RunReports::itemView).toList());
        return out;
    }

    String csv(RunRecords.Run run) {
        List<String> scorerNames = run.settings().scorers();
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("seq", "epoch", "attempt", "item_id", "group", "question",
                "outcome", "correct", "prediction", "golds"));
        scorerNames.forEach(s -> {
            header.add(s + "_correct");
            header.add(s + "_value");
        });
        header.addAll(List.of("tokens", "millis", "selected_cases", "guard_leak"));
        line(out, header);
        for (RunRecords.Item item : records.doneItems(run.id())) {
            List<String> cells = new ArrayList<>(List.of(String.valueOf(item.seq()), String.valueOf(item.epoch()),
                    String.valueOf(item.attempt()), item.itemId(), item.group(), nz(item.question()), nz(item.outcome()),
                    item.correct() == null ? "" : item.correct().toString(), nz(item.prediction()),
                    String.join(" | ", item.golds())));
            for (String s : scorerNames) {
                Map<String, Object> score = item.scores().get(s);
                cells.add(score == null ? "" : String.valueOf(score.get("correct")));
                cells.add(score == null ? "" : String.valueOf(score.get("value")));
            }
            cells.add(item.tokens() == null ? "" : item.tokens().toString());
            cells.add(item.millis() == null ? "" : item.millis().toString());
            cells.add(String.valueOf(item.selectedCases().size()));
            cells.add(item.guardLeak() == null ? "" : item.guardLeak().toString());
            line(out, cells);
        }
        return out.toString();
    }

    /** GAIA leaderboard lines: the first attempt of each task in the last epoch. */
    String gaiaSubmission(RunRecords.Run run) {
        List<RunRecords.Item> items = records.doneItems(run.id());
        int lastEpoch = items.stream().mapToInt(RunRecords.Item::epoch).max().orElse(1);
        return items.stream().filter(i -> i.epoch() == lastEpoch && i.attempt() == 1)
                .map(i -> GaiaSubmission.toJson(new GaiaSubmission.Line(i.itemId(), i.prediction(), i.detail())) + "\n")
                .collect(Collectors.joining());
    }

    Map<String, Object> curve(RunRecords.Run run, int window) {
        List<Attempt> attempts = attempts(run.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", window);
        out.put("memoryMode", run.settings().memoryMode());
        out.put("points", LearningCurve.of(attempts, run.primaryScorer(), window));
        Map<Integer, Double> byEpoch = new LinkedHashMap<>();
        Aggregates.byEpoch(attempts, run.primaryScorer(), 0).forEach((epoch, groups) -> byEpoch.put(epoch, groups.get("all").pass1()));
        out.put("pass1ByEpoch", byEpoch);
        return out;
    }

    Map<String, Object> compare(RunRecords.Run a, RunRecords.Run b) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Aggregate> aggA = lastEpoch(aggregates(a));
        Map<String, Aggregate> aggB = lastEpoch(aggregates(b));
        out.put("a", Map.of("run", view(a), "aggregates", aggA));
        out.put("b", Map.of("run", view(b), "aggregates", aggB));
        Set<String> groups = new TreeSet<>(aggA.keySet());
        groups.addAll(aggB.keySet());
        Map<String, Object> delta = new LinkedHashMap<>();
        for (String group : groups) {
            Aggregate x = aggA.get(group);
            Aggregate y = aggB.get(group);
            if (x != null && y != null) {
                delta.put(group, Map.of("pass1", y.pass1() - x.pass1(), "passK", y.passK() - x.passK()));
            }
        }
        out.put("delta", delta);
        Map<String, Boolean> solvedA = solved(a);
        Map<String, Boolean> solvedB = solved(b);
        List<String> onlyA = new ArrayList<>();
        List<String> onlyB = new ArrayList<>();
        int both = 0;
        int neither = 0;
        for (String id : solvedA.keySet()) {
            if (!solvedB.containsKey(id)) {
                continue;
            }
            boolean x = solvedA.get(id);
            boolean y = solvedB.get(id);
            if (x && y) {
                both++;
            } else if (x) {
                onlyA.add(id);
            } else if (y) {
                onlyB.add(id);
            } else {
                neither++;
            }
        }
        out.put("questions", Map.of("both", both, "neither", neither, "onlyA", onlyA.size(), "onlyB", onlyB.size(),
                "onlyAIds", onlyA.stream().limit(100).toList(), "onlyBIds", onlyB.stream().limit(100).toList()));
        return out;
    }

    private Map<String, Boolean> solved(RunRecords.Run run) {
        List<Attempt> attempts = attempts(run.id());
        int lastEpoch = attempts.stream().mapToInt(Attempt::epoch).max().orElse(1);
        Map<String, Boolean> solved = new LinkedHashMap<>();
        attempts.stream().filter(x -> x.epoch() == lastEpoch).sorted(Comparator.comparingInt(Attempt::episode))
                .forEach(x -> solved.merge(x.itemId(), x.correct(run.primaryScorer()), Boolean::logicalOr));
        return solved;
    }

    private static Map<String, Aggregate> lastEpoch(Map<Integer, Map<String, Aggregate>> byEpoch) {
        return byEpoch.isEmpty() ? Map.of() : new TreeMap<>(byEpoch).lastEntry().getValue();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String cell = cells.get(i);
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                out.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                out.append(cell);
            }
        }
        out.append("\r\n");
    }
}
