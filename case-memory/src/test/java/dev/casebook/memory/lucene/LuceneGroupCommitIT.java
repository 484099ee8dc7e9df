package dev.casebook.memory.lucene;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.index.SegmentInfos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash of a store that commits in groups ({@link CommitPolicy}) loses. A crash is imitated by copying the
 * store's directory as it is on disk while the store is still open, without closing it (write.lock left out), and
 * opening the copy as a restarted server would: what the copy holds is what a crash at that moment leaves.
 */
class LuceneGroupCommitIT {
    private static final EmbeddingSpace SPACE = new EmbeddingSpace("test-model", 4);
    private static final float[] VECTOR = {1, 0, 0, 0};
    private static final String TENANT = "acme";

    @TempDir
    Path directory;

    @Test
    void a_crash_loses_the_writes_acknowledged_since_the_last_commit_and_nothing_else() throws IOException {
        Path path = directory.resolve("cases");
        try (LuceneCaseStore store = LuceneCaseStore.open(path, SPACE, 10,
                new CommitPolicy(Duration.ofDays(1), 3))) {
            Case a = store.add(newCase("a"), VECTOR);
            Case b = store.add(newCase("b"), VECTOR);

            assertThat(store.get(TENANT, a.id())).contains(a); // visible when acknowledged
            assertThat(casesAfterCrash(path)).isZero();        // not yet durable

            store.add(newCase("c"), VECTOR);                    // the third waiting write commits all three
            assertThat(casesAfterCrash(path)).isEqualTo(3);

            store.recordUse(TENANT, b.id(), true);
            assertThat(usesAfterCrash(path, b)).isZero();      // the count change waits for the next commit

            store.commit();
            assertThat(usesAfterCrash(path, b)).isEqualTo(1);
        }
    }

    @Test
    void every_write_policy_loses_nothing_acknowledged() throws IOException {
        Path path = directory.resolve("cases");
        try (LuceneCaseStore store = LuceneCaseStore.open(path, SPACE, 10, CommitPolicy.EVERY_WRITE)) {
            Case a = store.add(newCase("a"), VECTOR);
            assertThat(casesAfterCrash(path)).isEqualTo(1);
            store.recordUse(TENANT, a.id(), false);
            assertThat(usesAfterCrash(path, a)).isEqualTo(1);
        }
    }

    @Test
    void a_lone_write_is_committed_within_the_delay_without_further_writes() throws Exception {
        Path path = directory.resolve("cases");
        try (LuceneCaseStore store = LuceneCaseStore.open(path, SPACE, 10,
                new CommitPolicy(Duration.ofMillis(20), 1000))) {
            store.add(newCase("a"), VECTOR);

            // waits for the scheduled commit to reach the disk, with a generous deadline (not a timing assertion)
            eventually("the scheduled commit on disk", Duration.ofSeconds(60), () -> committedDocs(path), n -> n > 0);
            assertThat(casesAfterCrash(path)).isEqualTo(1);
        }
    }

    @Test
    void closing_commits_what_is_waiting() {
        Path path = directory.resolve("cases");
        Case a;
        try (LuceneCaseStore store = LuceneCaseStore.open(path, SPACE, 10, new CommitPolicy(Duration.ofDays(1), 100))) {
            a = store.add(newCase("a"), VECTOR);
        }
        try (LuceneCaseStore reopened = LuceneCaseStore.open(path, SPACE)) {
            assertThat(reopened.get(TENANT, a.id())).contains(a);
        }
    }

    private static Case newCase(String task) {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        return new Case(UUID.randomUUID(), TENANT, task, "plan", "answer", 1, CaseLabel.POSITIVE, CaseSource.REAL, "",
                0, 0, now, now);
    }

    private static int committedDocs(Path path) throws IOException {
        try (FSDirectory dir = FSDirectory.open(path)) {
            return SegmentInfos.readLatestCommit(dir).totalMaxDoc();
        }
    }

    private long casesAfterCrash(Path path) throws IOException {
        try (LuceneCaseStore restarted = LuceneCaseStore.open(crashCopy(path), SPACE)) {
            return restarted.count(CaseFilter.tenant(TENANT));
        }
    }

    private int usesAfterCrash(Path path, Case value) throws IOException {
        try (LuceneCaseStore restarted = LuceneCaseStore.open(crashCopy(path), SPACE)) {
            return restarted.get(TENANT, value.id()).orElseThrow().uses();
        }
    }

    /**
     * The directory's files as they are on disk now, the open store's lock left out. A file listed and then deleted
     * (an older commit point, once a newer one is complete) is skipped; a commit point is written after its files.
     */
    private Path crashCopy(Path path) throws IOException {
        Path copy = Files.createTempDirectory(directory, "after-crash");
        try (var files = Files.list(path)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("write.lock")) {
                    try {
                        Files.copy(file, copy.resolve(file.getFileName()));
                    } catch (NoSuchFileException deleted) {
                        // an older commit point removed after a newer one was written: a crash now would not see it
                    }
                }
            }
        }
        return copy;
    }
}
