package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.server.memory.MemorySettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case selection sees the sources {@code casebook.memory.include-synthetic} allows: dream cases are selected like any
 * by default, never when the setting is off. A real Lucene store and the in-process embedder.
 */
class CaseSelectionSourcesTest {
    static final Embedder EMBEDDER = InProcessEmbedder.shared();
    static final String TASK = "What does a widget cost in the catalogue?";

    @TempDir
    Path dir;
    LuceneCaseStore store;
    final List<Step> steps = new ArrayList<>();

    @BeforeEach
    void open() {
        store = LuceneCaseStore.open(dir, new EmbeddingSpace(EMBEDDER.modelId(), EMBEDDER.dimension()));
        store.add(Case.of("acme", "What does a widget cost?", "{}", "12.50 EUR", 1, CaseSource.REAL),
                EMBEDDER.embed("What does a widget cost?"));
        store.add(Case.of("acme", "What does the widget cost in the catalogue?", "{}", "7 EUR", 1,
                CaseSource.SYNTHETIC), EMBEDDER.embed("What does the widget cost in the catalogue?"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    List<CaseSource> selectedSources(boolean includeSynthetic) {
        MemorySettings settings = new MemorySettings("lucene", dir, null, null, includeSynthetic);
        AgentMemory memory = new AgentMemory(EMBEDDER, store,
                Map.of("similarity", new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT)), "similarity",
                new MemoryWriter(store, 0.95, MemoryWriter.Banks.ALL_WRITABLE), settings.selectableSources());
        Run run = new Run(TaskSpec.of("t1", "acme", TASK).withMemoryMode(MemoryMode.READ_ONLY), steps::add);
        return new CaseSelectionStep(memory, 4).select(run).cases().stream().map(s -> s.value().source()).toList();
    }

    @Test
    void selects_synthetic_cases_by_default() {
        assertThat(new MemorySettings(null, null, null, null, null).includeSynthetic()).isTrue();
        assertThat(selectedSources(true)).containsExactlyInAnyOrder(CaseSource.REAL, CaseSource.SYNTHETIC);
    }

    @Test
    void keeps_synthetic_cases_apart_when_told_to() {
        assertThat(selectedSources(false)).containsExactly(CaseSource.REAL);
        assertThat(new MemorySettings(null, null, null, null, false).selectableSources())
                .isEqualTo(Set.of(CaseSource.REAL, CaseSource.SANDBOX));
    }
}
