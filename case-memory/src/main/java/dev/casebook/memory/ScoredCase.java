package dev.casebook.memory;

import java.util.Objects;

/** A case found by a search, with its score (cosine similarity for vector search, fused score for hybrid). */
public record ScoredCase(Case value, double score) {
    public ScoredCase {
        Objects.requireNonNull(value, "value");
    }
}
