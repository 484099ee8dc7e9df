package dev.casebook.eval.score;

import java.util.Objects;

/**
 * The outcome of scoring one prediction. Every kind says whether it counts as correct (for accuracy) and a value in
 * [0, 1] (for means such as F1).
 */
public sealed interface ScoreResult {
    boolean correct();

    double value();

    /** Tokens the scorer spent (an LLM judge's calls); 0 for the rule-based scorers. */
    default long tokens() {
        return 0;
    }

    /** A right-or-wrong match (GAIA quasi-exact match); {@code detail} names the rule that decided. */
    record Exact(boolean correct, String detail) implements ScoreResult {
        public Exact {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public double value() {
            return correct ? 1 : 0;
        }
    }

    /** Word overlap: F1 (the value) and exact match (correctness), each the best over the gold answers. */
    record Overlap(double f1, boolean exactMatch) implements ScoreResult {
        public Overlap {
            if (!(f1 >= 0 && f1 <= 1)) {
                throw new IllegalArgumentException("f1 must be in [0, 1]: " + f1);
            }
        }

        @Override
        public boolean correct() {
            return exactMatch;
        }

        @Override
        public double value() {
            return f1;
        }
    }

    /**
     * An LLM judge's verdict; {@code flagged} when no parseable reply came within the allowed attempts (then
     * incorrect); {@code tokens} of its calls.
     */
    record Judged(boolean correct, String rationale, int attempts, boolean flagged, long tokens) implements ScoreResult {
        public Judged {
            Objects.requireNonNull(rationale, "rationale");
            if (attempts < 0) {
                throw new IllegalArgumentException("attempts must not be negative: " + attempts);
            }
            if (flagged && correct) {
                throw new IllegalArgumentException("a flagged verdict cannot be correct");
            }
        }

        @Override
        public double value() {
            return correct ? 1 : 0;
        }
    }

    /** SimpleQA's grade; {@code flagged} when no parseable reply came within the allowed attempts; its calls' tokens. */
    record Graded(SimpleQaGrade grade, int attempts, boolean flagged, long tokens) implements ScoreResult {
        public Graded {
            Objects.requireNonNull(grade, "grade");
        }

        @Override
        public boolean correct() {
            return grade == SimpleQaGrade.CORRECT;
        }

        @Override
        public double value() {
            return correct() ? 1 : 0;
        }
    }
}
