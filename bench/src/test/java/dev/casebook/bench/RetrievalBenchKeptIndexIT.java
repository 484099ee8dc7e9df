package dev.casebook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.testkit.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench retrieval --index-dir}: a build is kept (Lucene in the directory, pgvector in a named schema of the test
 * database) and later runs measure queries on it without building again. A tiny corpus of random 32-d vectors, real
 * Lucene and real PostgreSQL with pgvector.
 */
class RetrievalBenchKeptIndexIT {
    private static final int DIMENSION = 32;
    private final String prefix = "test_kept_" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    @AfterEach
    void dropKeptSchemas() throws Exception {
        TestPostgres db = TestPostgres.get();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement()) {
            List<String> schemas = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT schema_name FROM information_schema.schemata "
                    + "WHERE schema_name LIKE '" + prefix + "%'")) {
                while (rows.next()) {
                    schemas.add(rows.getString(1));
                }
            }
            for (String schema : schemas) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void a_build_only_run_keeps_the_indexes_and_a_reuse_only_run_measures_them_without_building() throws Exception {
        String built = run(vectors(1), "--build-only=true");
        assertThat(rows(built, "lucene-int7")).hasSize(2).allSatisfy(row -> {
            assertThat(row.get(3)).isEqualTo("-");
            assertThat(row.get(14)).isEqualTo("built");
        });
        assertThat(rows(built, "pgvector-hnsw")).hasSize(2).allSatisfy(row -> assertThat(row.get(14)).isEqualTo("built"));
        assertThat(built).doesNotContain("exact (brute force)");
        Set<String> luceneFiles = luceneDataFiles();
        long indexOid = indexOid(prefix + "_pgvector_400_t4", "cases_embedding_hnsw");

        String measured = run(vectors(1), "--reuse-only=true");

        assertThat(measured).contains("exact (brute force)");
        for (String store : List.of("lucene-int7", "pgvector-hnsw")) {
            List<List<String>> before = rows(built, store);
            List<List<String>> after = rows(measured, store);
            assertThat(after).hasSize(2);
            for (int i = 0; i < 2; i++) {
                List<String> row = after.get(i);
                assertThat(row.get(14)).as(store + " row " + i).isEqualTo("kept");
                assertThat(Double.parseDouble(row.get(6))).as(store + " recall@10").isGreaterThan(0.9);
                assertThat(Double.parseDouble(row.get(7))).as(store + " epsilon recall, at least recall@10")
                        .isGreaterThanOrEqualTo(Double.parseDouble(row.get(6))).isLessThanOrEqualTo(1);
                assertThat(Integer.parseInt(row.get(8))).as(store + " median ties, the top 10 among them")
                        .isGreaterThanOrEqualTo(10);
                assertThat(row.subList(11, 14)).as("import s, index s, build load recorded by the build")
                        .isEqualTo(before.get(i).subList(11, 14));
            }
        }
        assertThat(luceneDataFiles()).as("the Lucene segments the build wrote").isEqualTo(luceneFiles);
        assertThat(indexOid(prefix + "_pgvector_400_t4", "cases_embedding_hnsw")).as("the HNSW index the build made")
                .isEqualTo(indexOid);
        assertThat(Files.exists(dir.resolve("lucene-int7-400-t4/manifest.properties"))).isTrue();
    }

    @Test
    void pgvector_builds_with_the_given_parameters_and_measures_each_ef_search_on_the_one_kept_build()
            throws Exception {
        String built = run(vectors(1), "--stores=pgvector", "--tenants=1", "--build-only=true", "--pg-m=8",
                "--pg-ef-construction=32");
        assertThat(rows(built, "pgvector-hnsw")).singleElement().satisfies(row -> {
            assertThat(row.get(0)).isEqualTo("pgvector-hnsw(m=8,efc=32)");
            assertThat(row.get(14)).isEqualTo("built");
        });
        String schema = prefix + "_pgvector_m8_efc32_400_t1";
        assertThat(indexOptions(schema, "cases_embedding_hnsw")).containsExactlyInAnyOrder("m=8", "ef_construction=32");
        long indexOid = indexOid(schema, "cases_embedding_hnsw");

        String measured = run(vectors(1), "--stores=pgvector", "--tenants=1", "--reuse-only=true", "--pg-m=8",
                "--pg-ef-construction=32", "--ef-search=1,40,400");

        List<List<String>> rows = rows(measured, "pgvector-hnsw");
        assertThat(rows).extracting(row -> row.getFirst()).containsExactly("pgvector-hnsw(m=8,efc=32,ef=1)",
                "pgvector-hnsw(m=8,efc=32,ef=40)", "pgvector-hnsw(m=8,efc=32,ef=400)");
        assertThat(rows).allSatisfy(row -> assertThat(row.get(14)).isEqualTo("kept"));
        assertThat(Double.parseDouble(rows.getLast().get(6))).as("recall@10 with a list as long as the corpus")
                .isGreaterThan(0.9);
        assertThat(indexOid(schema, "cases_embedding_hnsw")).as("the HNSW index the build made").isEqualTo(indexOid);
        assertThatThrownBy(() -> run(vectors(1), "--stores=pgvector", "--tenants=1", "--reuse-only=true"))
                .as("the migration's parameters are another build").isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("no finished build of pgvector at 400 cases, 1 tenants");
    }

    @Test
    void reuse_only_refuses_an_index_that_was_not_built() {
        assertThatThrownBy(() -> run(vectors(1), "--reuse-only=true"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no finished build of lucene-int7 at 400 cases, 1 tenants in " + dir.toAbsolutePath()
                        .resolve("lucene-int7-400-t1") + "; run without --reuse-only=true to build it");
    }

    @Test
    void a_kept_index_of_other_vectors_is_refused_rather_than_measured_against_the_wrong_truth() throws Exception {
        run(vectors(1), "--build-only=true", "--stores=lucene-int7", "--tenants=1");

        assertThatThrownBy(() -> run(vectors(2), "--stores=lucene-int7", "--tenants=1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the kept index in " + dir.toAbsolutePath().resolve("lucene-int7-400-t1")
                        + " was built from another corpus")
                .hasMessageEndingWith("delete that directory to build it again");
    }

    @Test
    void an_interrupted_build_without_a_manifest_is_built_again() throws Exception {
        Path entry = Files.createDirectories(dir.resolve("lucene-int7-400-t1"));
        Files.writeString(entry.resolve("left-over"), "a build that never finished");

        String printed = run(vectors(1), "--stores=lucene-int7", "--tenants=1");

        assertThat(rows(printed, "lucene-int7")).singleElement().satisfies(row -> assertThat(row.get(14))
                .isEqualTo("built"));
        assertThat(entry.resolve("left-over")).doesNotExist();
        assertThat(run(vectors(1), "--stores=lucene-int7", "--tenants=1", "--reuse-only=true")).contains(" kept ");
    }

    /** 420 random unit vectors from {@code seed}: 20 queries, then 400 "real" cases. */
    private static List<float[]> vectors(long seed) {
        Random random = new Random(seed);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 420; i++) {
            float[] v = new float[DIMENSION];
            double norm = 0;
            for (int d = 0; d < DIMENSION; d++) {
                v[d] = (float) random.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < DIMENSION; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            vectors.add(v);
        }
        return vectors;
    }

    private String run(List<float[]> vectors, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--sizes=400", "--tenants=1,4", "--stores=lucene-int7,pgvector",
                "--index-dir=" + dir, "--schema-prefix=" + prefix));
        args.addAll(Arrays.asList(extra));
        BenchArgs parsed = BenchArgs.parse(args.toArray(String[]::new));
        List<float[]> cases = vectors.subList(20, vectors.size());
        List<String> texts = Collections.nCopies(cases.size(), "a case");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            RetrievalBench.run(parsed, vectors.subList(0, 20), texts, cases);
        } finally {
            System.setOut(original);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        return printed;
    }

    /** The printed rows of a store, split into columns, in the order printed. */
    private static List<List<String>> rows(String printed, String store) {
        return printed.lines().filter(line -> line.startsWith(store))
                .map(line -> List.of(line.trim().split("\\s+"))).toList();
    }

    private Set<String> luceneDataFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("lucene-int7-400-t4/lucene"))) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith("segments_") && !name.equals("write.lock"))
                    .collect(Collectors.toSet());
        }
    }

    /** The storage parameters an index was built with, e.g. {@code m=8}. */
    private static List<String> indexOptions(String schema, String index) throws Exception {
        TestPostgres db = TestPostgres.get();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT array_to_string(reloptions, ' ') FROM pg_class WHERE oid = '"
                     + schema.toLowerCase(Locale.ROOT) + "." + index + "'::regclass")) {
            row.next();
            return List.of(row.getString(1).split(" "));
        }
    }

    private static long indexOid(String schema, String index) throws Exception {
        TestPostgres db = TestPostgres.get();
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT '" + schema.toLowerCase(Locale.ROOT) + "." + index
                     + "'::regclass::oid")) {
            row.next();
            return row.getLong(1);
        }
    }
}
