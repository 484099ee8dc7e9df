package dev.casebook.memory.lucene;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/**
 * The embedding space and layout version of a store, kept in the user data of every Lucene commit. Format 1 had no
 * {@link CaseDocument#TASK_KEY} field, format 2 no bank and no evidence; a store opened on an older format rewrites
 * every document in the current one first (format 3: bank {@code default}, one event from the case's state).
 */
final class StoreMetadata {
    static final String FORMAT = "casebook.format";
    static final String MODEL = "casebook.embedding.model";
    static final String DIMENSION = "casebook.embedding.dimension";
    static final int CURRENT_FORMAT = 3;

    private StoreMetadata() {
    }

    /** What a directory's last commit records. */
    record Recorded(EmbeddingSpace space, int format) {
    }

    static Map<String, String> of(EmbeddingSpace space) {
        return of(space, CURRENT_FORMAT);
    }

    static Map<String, String> of(EmbeddingSpace space, int format) {
        return Map.of(FORMAT, Integer.toString(format), MODEL, space.modelId(),
                DIMENSION, Integer.toString(space.dimension()));
    }

    /** What the directory's last commit records; null when the directory holds no index yet. */
    static Recorded read(Directory directory, String storeName) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return null;
        }
        Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
        String format = data.get(FORMAT);
        if (!("1".equals(format) || "2".equals(format) || Integer.toString(CURRENT_FORMAT).equals(format)) || data.get(MODEL) == null
                || data.get(DIMENSION) == null) {
            throw new StoreException(storeName + " holds a Lucene index that is not a case store (commit data "
                    + data + ")", false, null);
        }
        try {
            return new Recorded(new EmbeddingSpace(data.get(MODEL), Integer.parseInt(data.get(DIMENSION))),
                    Integer.parseInt(format));
        } catch (IllegalArgumentException e) {
            throw new StoreException(storeName + " has corrupt store metadata " + data, false, e);
        }
    }
}
