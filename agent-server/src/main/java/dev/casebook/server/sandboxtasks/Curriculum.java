package dev.casebook.server.sandboxtasks;

import dev.casebook.tools.tasks.SandboxTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps a job's tasks at the edge of what the agent can do (target success rate {@value #TARGET}). A job works in
 * rounds; every task of a round is asked for at the round's difficulty level. After a round, the rollouts at the
 * current level since it became current are the evidence: at least {@value #MIN_EVIDENCE} rollouts with a success
 * rate of {@value #UP} or more move the level up, {@value #DOWN} or less move it down (within the scale of
 * {@link SandboxTask}), anything else keeps it. Rollouts that ended in an infrastructure error are no evidence. Pure
 * and deterministic: replaying the finished rounds gives the level of the next one, so a resumed job continues where
 * it was.
 */
record Curriculum(int start) {
    static final double TARGET = 0.5;
    static final double UP = 0.75;
    static final double DOWN = 0.25;
    static final int MIN_EVIDENCE = 2;

    Curriculum {
        if (start < SandboxTask.MIN_DIFFICULTY || start > SandboxTask.MAX_DIFFICULTY) {
            throw new IllegalArgumentException("the start difficulty must be within [" + SandboxTask.MIN_DIFFICULTY
                    + ", " + SandboxTask.MAX_DIFFICULTY + "], was " + start);
        }
    }

    /** A finished round: its level and the verdicts of its rollouts (errors left out). */
    record Round(int round, int level, int rollouts, int successes) {
        Round {
            if (rollouts < 0 || successes < 0 || successes > rollouts) {
                throw new IllegalArgumentException("need 0 <= successes <= rollouts, was " + successes + "/" + rollouts);
            }
        }
    }

    /** What the curriculum made of a round: the level after it and why. */
    record Step(Round round, int next, String reason) {
    }

    /** The level of the round after {@code finished} (in round order); {@link #start} before any. */
    int next(List<Round> finished) {
        List<Step> steps = replay(finished);
        return steps.isEmpty() ? start : steps.getLast().next();
    }

    /** Each finished round with the level it led to. */
    List<Step> replay(List<Round> finished) {
        List<Step> steps = new ArrayList<>();
        int level = start;
        int rollouts = 0;
        int successes = 0;
        for (Round round : finished) {
            if (round.level() != level) { // the stored level wins: it is what the round was asked for
                level = round.level();
                rollouts = 0;
                successes = 0;
            }
            rollouts += round.rollouts();
            successes += round.successes();
            String reason;
            int next = level;
            if (rollouts < MIN_EVIDENCE) {
                reason = rollouts + " rollout(s) at level " + level + " so far; " + MIN_EVIDENCE + " needed to move";
            } else {
                double rate = (double) successes / rollouts;
                String measured = "success rate " + format(rate) + " over " + rollouts + " rollouts at level " + level;
                if (rate >= UP && level < SandboxTask.MAX_DIFFICULTY) {
                    next = level + 1;
                    reason = measured + " >= " + format(UP) + ": harder";
                } else if (rate <= DOWN && level > SandboxTask.MIN_DIFFICULTY) {
                    next = level - 1;
                    reason = measured + " <= " + format(DOWN) + ": easier";
                } else {
                    reason = measured + ": stays";
                }
            }
            steps.add(new Step(round, next, reason));
            if (next != level) {
                level = next;
                rollouts = 0;
                successes = 0;
            }
        }
        return steps;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
