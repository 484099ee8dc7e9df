package dev.casebook.bench;

/**
 * The build parameters of a pgvector HNSW index the retrieval benchmark builds ({@code --pg-m},
 * {@code --pg-ef-construction}): {@code m}, the links per node, and {@code efConstruction}, the candidate list while
 * inserting. The server's index comes from the Flyway migration with pgvector's defaults, {@link #MIGRATION}; the
 * bounds are pgvector's: m in [2, 100], ef_construction in [4, 1000] and at least 2 m.
 */
record HnswBuild(int m, int efConstruction) {
    /** What the migration builds (pgvector's defaults). */
    static final HnswBuild MIGRATION = new HnswBuild(16, 64);

    HnswBuild {
        if (m < 2 || m > 100) {
            throw new IllegalArgumentException("--pg-m must be within [2, 100] (pgvector's bounds), was " + m);
        }
        if (efConstruction < 4 || efConstruction > 1000) {
            throw new IllegalArgumentException("--pg-ef-construction must be within [4, 1000] (pgvector's bounds), was "
                    + efConstruction);
        }
        if (efConstruction < 2 * m) {
            throw new IllegalArgumentException("--pg-ef-construction must be at least twice --pg-m (pgvector), was "
                    + efConstruction + " with m " + m);
        }
    }

    static HnswBuild of(BenchArgs args) {
        return new HnswBuild(args.integer("pg-m", MIGRATION.m()),
                args.integer("pg-ef-construction", MIGRATION.efConstruction()));
    }

    /** The storage parameters of {@code CREATE INDEX ... USING hnsw (...)}. */
    String with() {
        return " WITH (m = " + m + ", ef_construction = " + efConstruction + ")";
    }

    /** {@code m=16,efc=64}, as row names show it. */
    String label() {
        return "m=" + m + ",efc=" + efConstruction;
    }

    /**
     * The name a kept build of {@code store} is filed under ({@link KeptIndexes}): the store's own for the migration's
     * parameters (so indexes kept before these options existed are reused), else with the parameters appended.
     */
    String keptName(String store) {
        return equals(MIGRATION) ? store : store + "-m" + m + "-efc" + efConstruction;
    }
}
