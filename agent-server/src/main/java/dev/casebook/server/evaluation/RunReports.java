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

    RunViews.Run view(RunRecords.Run run) {
        RunRecords.Counts counts = records.counts(run);
        return new RunViews.Run(run.id(), run.name(), run.status().wire(),
                new RunViews.Dataset(run.datasetName(), run.datasetPath(), run.datasetFormat()), run.settings(),
                counts.total(), counts.done(), counts.running(), counts.pending(), counts.correct(),
                counts.scored() == 0 ? null : counts.correct() / (double) counts.scored(), eta(run, counts),
                counts.tokens(), counts.tokens() > 0 && counts.estimated() > 0, run.error(),
                run.createdAt(), run.startedAt(), run.finishedAt());
    }

    private static Long eta(RunRecords.Run run, RunRecords.Counts counts) {
        if (run.status() != RunStatus.RUNNING || run.resumedAt() == null || counts.doneSinceResume() == 0) {
            return null;
        }
        double elapsed = Math.max(1, Duration.between(run.resumedAt(), Instant.now()).toMillis()) / 1000.0;
        double perSecond = counts.doneSinceResume() / elapsed;
        return Math.round((counts.total() - counts.done()) / perSecond);
    }

    static RunViews.Item itemView(RunRecords.Item item) {
        return new RunViews.Item(item.seq(), item.epoch(), item.attempt(), item.itemId(), item.group(),
                item.question(), item.golds(), item.status(), item.prediction(), item.outcome(), item.detail(),
                item.correct(), item.scores(), item.tokens(), item.millis(), item.selectedCases(), item.guardLeak(),
                item.taskId(), item.finishedAt());
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

    RunViews.Results results(RunRecords.Run run) {
        return new RunViews.Results(view(run), aggregates(run),
                records.doneItems(run.id()).stream().map(RunReports::itemView).toList());
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

    RunViews.Curve curve(RunRecords.Run run, int window) {
        List<Attempt> attempts = attempts(run.id());
        Map<Integer, Double> byEpoch = new LinkedHashMap<>();
        Aggregates.byEpoch(attempts, run.primaryScorer(), 0)
                .forEach((epoch, groups) -> byEpoch.put(epoch, groups.get("all").pass1()));
        return new RunViews.Curve(window, run.settings().memoryMode().wireName(),
                LearningCurve.of(attempts, run.primaryScorer(), window), byEpoch);
    }

    RunViews.Comparison compare(RunRecords.Run a, RunRecords.Run b) {
        Map<String, Aggregate> aggA = lastEpoch(aggregates(a));
        Map<String, Aggregate> aggB = lastEpoch(aggregates(b));
        Set<String> groups = new TreeSet<>(aggA.keySet());
        groups.addAll(aggB.keySet());
        Map<String, RunViews.Delta> delta = new LinkedHashMap<>();
        for (String group : groups) {
            Aggregate x = aggA.get(group);
            Aggregate y = aggB.get(group);
            if (x != null && y != null) {
                delta.put(group, new RunViews.Delta(y.pass1() - x.pass1(), y.passK() - x.passK()));
            }
        }
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
        return new RunViews.Comparison(new RunViews.Side(view(a), aggA), new RunViews.Side(view(b), aggB), delta,
                new RunViews.Questions(both, neither, onlyA.size(), onlyB.size(), onlyA.stream().limit(100).toList(),
                        onlyB.stream().limit(100).toList()));
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
