package dev.casebook.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The retrieval benchmark's indexes kept on disk ({@code --index-dir=DIR}), so that a slow build is made once and the
 * query latency re-measured later on a quiet machine. One entry per store, corpus size and tenant count: the directory
 * {@code DIR/<store>-<cases>-t<tenants>/} holds a Lucene store's index and a {@code manifest.properties}; a pgvector
 * store keeps its table in the schema {@code <prefix>_<store>_<cases>_t<tenants>} of the test database, named in the
 * manifest. The manifest is written only after a build has finished, so an interrupted build is never reused.
 */
final class KeptIndexes {
    /** How far two corpus fingerprints may differ and still be the same corpus (embedding round-off across runs). */
    private static final double FINGERPRINT_TOLERANCE = 1e-2;
    private final Path root;
    private final String schemaPrefix;

    KeptIndexes(Path root, String schemaPrefix) {
        if (!schemaPrefix.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("a schema prefix is lower-case letters, digits and _, got '"
                    + schemaPrefix + "'");
        }
        this.root = root.toAbsolutePath();
        this.schemaPrefix = schemaPrefix;
    }

    /** The kept index of {@code store} for a corpus of {@code cases} cases over {@code tenants} tenants. */
    Entry entry(String store, int cases, int tenants) {
        String key = store + "-" + cases + "-t" + tenants;
        String schema = (schemaPrefix + "_" + store + "_" + cases + "_t" + tenants).replace('-', '_')
                .toLowerCase(Locale.ROOT);
        return new Entry(store, cases, tenants, root.resolve(key), schema);
    }

    /** What a finished build recorded: the corpus it indexed and how long it took, with the load average then. */
    record Manifest(String store, int cases, int tenants, int dimension, double fingerprint, double importSeconds,
                    double indexSeconds, double buildLoad, Instant builtAt) {
    }

    /** One kept index: its directory, its schema name (used by the pgvector stores) and its manifest. */
    record Entry(String store, int cases, int tenants, Path dir, String schema) {

        private Path manifestFile() {
            return dir.resolve("manifest.properties");
        }

        /**
         * The manifest of a finished build of this corpus, or empty when there is none; a manifest of another corpus
         * (a different fingerprint or dimension) is refused rather than measured against the wrong ground truth.
         */
        Optional<Manifest> finished(int dimension, double fingerprint) throws IOException {
            if (!Files.exists(manifestFile())) {
                return Optional.empty();
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(manifestFile())) {
                p.load(in);
            }
            Manifest m = new Manifest(p.getProperty("store"), Integer.parseInt(p.getProperty("cases")),
                    Integer.parseInt(p.getProperty("tenants")), Integer.parseInt(p.getProperty("dimension")),
                    Double.parseDouble(p.getProperty("fingerprint")), Double.parseDouble(p.getProperty("importSeconds")),
                    Double.parseDouble(p.getProperty("indexSeconds")), Double.parseDouble(p.getProperty("buildLoad")),
                    Instant.parse(p.getProperty("builtAt")));
            if (!m.store().equals(store) || m.cases() != cases || m.tenants() != tenants || m.dimension() != dimension
                    || Math.abs(m.fingerprint() - fingerprint) > FINGERPRINT_TOLERANCE) {
                throw new IllegalStateException("the kept index in " + dir + " was built from another corpus ("
                        + m.store() + ", " + m.cases() + " cases, " + m.tenants() + " tenants, " + m.dimension()
                        + "-d, fingerprint " + m.fingerprint() + "; this run: " + store + ", " + cases + ", " + tenants
                        + ", " + dimension + "-d, " + fingerprint + "); delete that directory to build it again");
            }
            return Optional.of(m);
        }

        /** Empties the directory for a new build (the pgvector stores drop and create their schema themselves). */
        void clear() throws IOException {
            if (Files.exists(dir)) {
                try (var paths = Files.walk(dir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(dir);
        }

        /** Records a finished build; from now on the entry is reused. */
        void finish(Manifest m) throws IOException {
            Properties p = new Properties();
            p.setProperty("store", m.store());
            p.setProperty("cases", Integer.toString(m.cases()));
            p.setProperty("tenants", Integer.toString(m.tenants()));
            p.setProperty("dimension", Integer.toString(m.dimension()));
            p.setProperty("fingerprint", Double.toString(m.fingerprint()));
            p.setProperty("importSeconds", Double.toString(m.importSeconds()));
            p.setProperty("indexSeconds", Double.toString(m.indexSeconds()));
            p.setProperty("buildLoad", Double.toString(m.buildLoad()));
            p.setProperty("builtAt", m.builtAt().toString());
            p.setProperty("schema", schema);
            Path written = dir.resolve("manifest.properties.tmp");
            try (Writer out = Files.newBufferedWriter(written)) {
                p.store(out, "bench retrieval: a finished build, reused by --index-dir");
            }
            Files.move(written, manifestFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
