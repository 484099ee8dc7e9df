package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.lucene.LuceneCaseStore;
import java.nio.file.Path;
import java.util.List;

/** {@link LuceneCaseStore} in a scratch directory, loaded in chunks of 10,000 cases, then merged to one segment. */
final class LuceneRetrievalStore implements RetrievalStore {
    private static final int CHUNK = 10_000;
    private final LuceneCaseStore store;
    private final int candidates;

    LuceneRetrievalStore(int dimension, Path workDir, int candidates) {
        this.candidates = candidates;
        this.store = LuceneCaseStore.open(workDir.resolve("lucene"), new EmbeddingSpace("bench", dimension),
                candidates);
    }

    @Override
    public String name() {
        return "lucene-hnsw(c=" + candidates + ")";
    }

    @Override
    public void load(List<Case> cases, List<float[]> vectors) {
        for (int from = 0; from < cases.size(); from += CHUNK) {
            int to = Math.min(cases.size(), from + CHUNK);
            store.addAll(cases.subList(from, to), vectors.subList(from, to));
        }
    }

    @Override
    public void prepare() {
        store.optimize();
    }

    @Override
    public CaseRetriever retriever() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }
}
