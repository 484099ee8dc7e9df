package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.InsightStoreContractIT;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneInsightStoreIT extends InsightStoreContractIT {

    @TempDir
    Path directory;

    @Override
    protected InsightStore openStore(int dimension) {
        return LuceneInsightStore.open(directory.resolve("insights"), new EmbeddingSpace("test-model", dimension));
    }

    @Override
    protected InsightStore reopen(int dimension) {
        return openStore(dimension);
    }

    @Test
    void refuses_a_directory_holding_a_case_index() {
        LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", DIM)).close();

        assertThatThrownBy(() -> LuceneInsightStore.open(directory.resolve("cases"),
                new EmbeddingSpace("test-model", DIM)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("holds a Lucene index that is not an insight store");
    }
}
