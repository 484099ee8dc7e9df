package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.lucene.CommitPolicy;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.lucene.VectorFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * {@link LuceneCaseStore} in a scratch directory with vectors in {@code format}, loaded in chunks of 10,000 cases,
 * then merged to one segment. The store re-scores its {@code candidates} graph hits with the exact cosine of the full
 * vectors, so a quantized format is "quantized HNSW with rescoring".
 */
final class LuceneRetrievalStore implements RetrievalStore {
    private static final int CHUNK = 10_000;
    private final LuceneCaseStore store;
    private final Path dir;
    private final int candidates;
    private final VectorFormat format;

    LuceneRetrievalStore(int dimension, Location location, int candidates, VectorFormat format) {
        this.candidates = candidates;
        this.format = format;
        this.dir = location.dir().resolve("lucene");
        if (location.reuse() && !Files.isDirectory(dir)) {
            throw new IllegalStateException("no Lucene index to reuse in " + dir);
        }
        this.store = LuceneCaseStore.open(dir, new EmbeddingSpace("bench", dimension), candidates,
                CommitPolicy.DEFAULT, format);
    }

    @Override
    public String name() {
        return "lucene-" + format.name().toLowerCase(Locale.ROOT) + "(c=" + candidates + ")";
    }

    @Override
    public void load(List<Case> cases, List<float[]> vectors) {
        for (int from = 0; from < cases.size(); from += CHUNK) {
            int to = Math.min(cases.size(), from + CHUNK);
            store.addAll(cases.subList(from, to), vectors.subList(from, to));
        }
    }

    /**
     * Merges to one segment, commits, and refreshes the searcher: the store's vector search refreshes only for bulk
     * adds and pending versions, so without a read that refreshes (a count) the searches measured next would still
     * run on the segments from before the merge, one graph each.
     */
    @Override
    public void prepare() {
        store.optimize();
        store.commit();
        store.count(CaseFilter.tenant("bench"));
    }

    /** Searchers the store reopened since it opened. */
    long refreshes() {
        return store.refreshes();
    }

    @Override
    public CaseRetriever retriever() {
        return store;
    }

    /**
     * Searched: the vector files (extensions {@code ve*}: graph, vectors, metadata) less the full-precision vectors
     * ({@code .vec}) when the graph searches a quantized copy; the store's re-scoring reads the candidates' stored
     * fields on top of that (the whole case), which is not counted. Only the files of the last commit count: right
     * after the merge, the segments merged away can still be on disk while a reader holds them.
     */
    @Override
    public Footprint footprint() throws IOException {
        long disk = 0;
        long searched = 0;
        try (Directory directory = FSDirectory.open(dir)) {
            for (String name : SegmentInfos.readLatestCommit(directory).files(true)) {
                long size = directory.fileLength(name);
                disk += size;
                String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
                if (extension.startsWith("ve") && !(format != VectorFormat.FLOAT32 && extension.equals("vec"))) {
                    searched += size;
                }
            }
        }
        return new Footprint(searched, disk);
    }

    @Override
    public void close() {
        store.close();
    }
}
