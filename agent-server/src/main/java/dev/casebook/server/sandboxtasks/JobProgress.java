package dev.casebook.server.sandboxtasks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's progress from its counted items and tasks: generated / kept / discarded (by reason), rollouts done and their
 * success rate, and the capability boundary: success per difficulty level, each finished round with the level the
 * curriculum moved to after it and why, and the level of the round in progress (or next).
 */
final class JobProgress {
    private JobProgress() {
    }

    /** The progress; {@code validation} is how validation went ({@link ValidationReport}). */
    static JobViews.Progress view(JobOptions settings, List<SandboxTaskCounts.ItemCount> items,
                                  List<SandboxTaskCounts.TaskCount> tasks, Map<String, Object> validation) {
        Map<Integer, Round> rounds = new TreeMap<>();
        Map<Integer, Level> levels = new TreeMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        int generations = 0;
        int generated = 0;
        Rollouts rollouts = new Rollouts();
        for (SandboxTaskCounts.ItemCount count : items) {
            Round round = rounds.computeIfAbsent(count.round(), Round::new);
            if (!count.status().equals("done")) {
                round.unfinished += count.items();
            }
            if (count.kind().equals(SandboxTaskRecords.GENERATE)) {
                generations += count.items();
                if (count.status().equals("done")) {
                    generated += count.items();
                    round.generated += count.items();
                    round.level = count.level();
                }
            } else if (count.kind().equals(SandboxTaskRecords.ROLLOUT)) {
                rollouts.add(count);
                round.scored += count.scored();
                round.passed += count.passed();
                if (count.level() != null) {
                    levels.computeIfAbsent(count.level(), Level::new).add(count);
                }
            }
        }
        int kept = 0;
        for (SandboxTaskCounts.TaskCount count : tasks) {
            Level level = levels.computeIfAbsent(count.level(), Level::new);
            level.generated += count.tasks();
            if (count.kept()) {
                kept += count.tasks();
                level.kept += count.tasks();
                rounds.computeIfAbsent(count.round(), Round::new).kept += count.tasks();
            } else {
                reasons.merge(count.reason(), count.tasks(), Integer::sum);
            }
        }
        Curriculum curriculum = new Curriculum(settings.startDifficulty());
        List<Curriculum.Round> finished = new ArrayList<>();
        for (Round round : rounds.values()) {
            if (round.unfinished > 0 || round.level == null) {
                break; // rounds finish in order: the first unfinished one is in progress
            }
            finished.add(new Curriculum.Round(round.number, round.level, round.scored, round.passed));
        }
        List<JobViews.Round> roundViews = new ArrayList<>();
        List<Curriculum.Step> steps = curriculum.replay(finished);
        for (Round round : rounds.values()) {
            if (round.level != null) {
                roundViews.add(round.view(round.number < steps.size() ? steps.get(round.number) : null));
            }
        }
        JobViews.Difficulty difficulty = new JobViews.Difficulty(curriculum.next(finished), Curriculum.TARGET,
                levels.values().stream().map(Level::view).toList(), roundViews);
        JobViews.Tasks taskView = new JobViews.Tasks(generations, generated, kept, generated - kept, reasons,
                validation);
        return new JobViews.Progress(taskView, rollouts.view(), difficulty);
    }

    /** Tokens the finished items spent: generations, rollouts and their failure analyses. */
    static long tokensSpent(List<SandboxTaskCounts.ItemCount> items) {
        return items.stream().filter(c -> "done".equals(c.status())).mapToLong(SandboxTaskCounts.ItemCount::tokens)
                .sum();
    }

    static Double rate(int passed, int scored) {
        return scored == 0 ? null : (double) passed / scored;
    }

    private static final class Round {
        final int number;
        Integer level;
        int generated;
        int kept;
        int scored;
        int passed;
        int unfinished;

        Round(int number) {
            this.number = number;
        }

        /** The round's view; {@code step} what the curriculum did after it, null while it is not finished. */
        JobViews.Round view(Curriculum.Step step) {
            return new JobViews.Round(number, level, generated, kept, scored, passed, rate(passed, scored),
                    unfinished == 0, step == null ? null : step.next(), step == null ? null : step.reason());
        }
    }

    private static final class Level {
        final int level;
        int generated;
        int kept;
        int scored;
        int passed;

        Level(int level) {
            this.level = level;
        }

        void add(SandboxTaskCounts.ItemCount count) {
            scored += count.scored();
            passed += count.passed();
        }

        JobViews.Level view() {
            return new JobViews.Level(level, generated, kept, scored, passed, rate(passed, scored));
        }
    }

    private static final class Rollouts {
        int total;
        int done;
        int running;
        int scored;
        int passed;

        void add(SandboxTaskCounts.ItemCount count) {
            total += count.items();
            switch (count.status()) {
                case "done" -> done += count.items();
                case "running" -> running += count.items();
                default -> {
                }
            }
            scored += count.scored();
            passed += count.passed();
        }

        JobViews.Rollouts view() {
            return new JobViews.Rollouts(total, done, running, passed, scored - passed, done - scored,
                    rate(passed, scored));
        }
    }
}
