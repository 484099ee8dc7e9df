package dev.casebook.memory;

import java.util.Objects;

/**
 * The embedding model a store was built with: its id and the dimension of its vectors. A store records it when it
 * is created and refuses to open with another dimension, since vectors of different models cannot be compared.
 */
public record EmbeddingSpace(String modelId, int dimension) {

    public static final int MAX_DIMENSION = 16_000;

    public EmbeddingSpace {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException(
                    "dimension must be within [1, " + MAX_DIMENSION + "], was " + dimension);
        }
    }

    /**
     * Returns {@code vector} when it has this space's dimension; otherwise throws the
     * {@link IllegalArgumentException} every store uses: {@code vector has dimension 3, but the store holds vectors
     * of dimension 8}.
     */
    public float[] requireMatching(float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector has dimension " + vector.length
                    + ", but the store holds vectors of dimension " + dimension);
        }
        return vector;
    }

    /**
     * Returns {@code vector} when a store can hold it and compare it: this space's dimension
     * ({@link #requireMatching}), finite numbers only ({@code vector must hold finite numbers only, found NaN}) and
     * not all zeros ({@code vector must not be all zeros: cosine similarity is undefined}).
     */
    public float[] requireUsable(float[] vector) {
        requireMatching(Objects.requireNonNull(vector, "vector"));
        double norm = 0;
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("vector must hold finite numbers only, found " + v);
            }
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("vector must not be all zeros: cosine similarity is undefined");
        }
        return vector;
    }

    /**
     * Checks that a store built in this space may be opened with {@code requested}; otherwise throws a non-retryable
     * {@link StoreException}: {@code <store> was built with embedding dimension 384 (model a); opening it with
     * dimension 768 (model b) is refused: re-embed the cases into a new store}. A different model id of the same
     * dimension is allowed (a renamed or remote copy of the same model).
     */
    public void requireCompatible(EmbeddingSpace requested, String storeName) {
        if (requested.dimension != dimension) {
            throw new StoreException(storeName + " was built with embedding dimension " + dimension + " (model "
                    + modelId + "); opening it with dimension " + requested.dimension + " (model "
                    + requested.modelId + ") is refused: re-embed the cases into a new store", false, null);
        }
    }
}
