package dev.casebook.memory;

import java.util.Objects;

/** Top-{@code k} cases nearest to {@code vector} by cosine similarity, among those the filter admits. */
public record VectorQuery(float[] vector, CaseFilter filter, int k) {
    public VectorQuery {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(filter, "filter");
        if (k < 1 || k > 10_000) {
            throw new IllegalArgumentException("k must be within [1, 10000], was " + k);
        }
    }
}
