package dev.casebook.memory.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Embedder} over a LangChain4j {@link EmbeddingModel} (a remote embedding model): texts are sent in
 * batches of at most {@code batchSize}, and every vector is returned scaled to unit length. The in-process model is
 * {@link InProcessEmbedder}.
 *
 * <p>Blank texts are rejected with an {@link IllegalArgumentException} naming their position; failures of the model
 * surface as {@link EmbeddingException}.
 */
public final class LangChainEmbedder implements Embedder {

    public static final int DEFAULT_BATCH_SIZE = 32;

    private final EmbeddingModel model;
    private final String modelId;
    private final int batchSize;
    private final int dimension;

    public LangChainEmbedder(EmbeddingModel model, String modelId, int batchSize) {
        this.model = Objects.requireNonNull(model, "model");
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must not be blank");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.modelId = modelId;
        this.batchSize = batchSize;
        this.dimension = probeDimension(model, modelId);
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public float[] embed(String text) {
        return embedAll(List.of(Embedder.requireText(text, 0))).getFirst();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            segments.add(TextSegment.from(Embedder.requireText(texts.get(i), i)));
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < segments.size(); from += batchSize) {
            List<TextSegment> batch = segments.subList(from, Math.min(segments.size(), from + batchSize));
            List<Embedding> embeddings = embedBatch(batch);
            if (embeddings.size() != batch.size()) {
                throw new EmbeddingException("model " + modelId + " returned " + embeddings.size()
                        + " embeddings for " + batch.size() + " texts", false, null);
            }
            for (Embedding embedding : embeddings) {
                vectors.add(unit(embedding.vector()));
            }
        }
        return vectors;
    }

    private List<Embedding> embedBatch(List<TextSegment> batch) {
        try {
            return model.embedAll(batch).content();
        } catch (RuntimeException e) {
            throw new EmbeddingException("model " + modelId + " failed to embed a batch of " + batch.size()
                    + " texts: " + e.getMessage(), true, e);
        }
    }

    private float[] unit(float[] vector) {
        if (vector.length != dimension) {
            throw new EmbeddingException("model " + modelId + " returned a vector of dimension " + vector.length
                    + ", expected " + dimension, false, null);
        }
        double norm = 0;
        for (float v : vector) {
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new EmbeddingException("model " + modelId + " returned a zero vector", false, null);
        }
        float scale = (float) (1 / Math.sqrt(norm));
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i] * scale;
        }
        return out;
    }

    private static int probeDimension(EmbeddingModel model, String modelId) {
        try {
            return model.dimension();
        } catch (RuntimeException e) {
            throw new EmbeddingException("could not determine the dimension of model " + modelId + ": "
                    + e.getMessage(), true, e);
        }
    }
}
