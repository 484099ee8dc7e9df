package dev.casebook.memory.lucene;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.CaseStoreContractIT;
import dev.casebook.memory.EmbeddingSpace;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LuceneCaseStoreIT extends CaseStoreContractIT {

    @TempDir
    Path directory;

    @Override
    protected CaseStore openStore(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension));
    }

    @Override
    protected CaseStore reopen(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension));
    }
}
