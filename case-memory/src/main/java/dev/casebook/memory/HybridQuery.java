package dev.casebook.memory;

import java.util.Objects;

/**
 * Vector similarity and BM25 over the case text, fused by reciprocal rank ({@code 1 / (rrfK + rank)} summed over
 * both lists). {@code rrfK} defaults to 60 as in the RRF paper.
 */
public record HybridQuery(float[] vector, String text, CaseFilter filter, int k, int rrfK) {
    public HybridQuery {
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(filter, "filter");
        text = text == null ? "" : text;
        if (k < 1 || k > 10_000) {
            throw new IllegalArgumentException("k must be within [1, 10000], was " + k);
        }
        if (rrfK < 1) {
            throw new IllegalArgumentException("rrfK must be positive, was " + rrfK);
        }
    }

    public HybridQuery(float[] vector, String text, CaseFilter filter, int k) {
        this(vector, text, filter, k, 60);
    }
}
