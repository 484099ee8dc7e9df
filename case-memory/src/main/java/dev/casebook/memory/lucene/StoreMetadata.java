package dev.casebook.memory.lucene;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/** The embedding space of a store, kept in the user data of every Lucene commit. */
final class StoreMetadata {
    static final String FORMAT = "casebook.format";
    static final String MODEL = "casebook.embedding.model";
    static final String DIMENSION = "casebook.embedding.dimension";
    private static final String CURRENT_FORMAT = "1";

    private StoreMetadata() {
    }

    static Map<String, String> of(EmbeddingSpace space) {
        return Map.of(FORMAT, CURRENT_FORMAT, MODEL, space.modelId(), DIMENSION, Integer.toString(space.dimension()));
    }

    /** The space recorded in the directory's last commit; null when the directory holds no index yet. */
    static EmbeddingSpace read(Directory directory, String storeName) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return null;
        }
        Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
        if (!CURRENT_FORMAT.equals(data.get(FORMAT)) || data.get(MODEL) == null || data.get(DIMENSION) == null) {
            throw new StoreException(storeName + " holds a Lucene index that is not a case store (commit data "
                    + data + ")", false, null);
        }
        try {
            return new EmbeddingSpace(data.get(MODEL), Integer.parseInt(data.get(DIMENSION)));
        } catch (IllegalArgumentException e) {
            throw new StoreException(storeName + " has corrupt store metadata " + data, false, e);
        }
    }
}
