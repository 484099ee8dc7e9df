package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.Objects;

/** A case the store proposed, with the score a chooser ranks it by (a Q-value logit, or a similarity). */
record Candidate(Case value, double score) {
    Candidate {
        Objects.requireNonNull(value, "value");
    }
}
