package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The corpus of {@code bench retrieval}: the cases, their unit vectors, and exact search over them; case i belongs to
 * tenant i mod T.
 */
record Corpus(List<Case> cases, List<float[]> vectors, int tenants) {

    static String tenant(int index, int tenants) {
        return tenants == 1 ? "bench" : "t" + (index % tenants);
    }

    /** The filter of query {@code q}: tenant {@code q mod T}. */
    CaseFilter filter(int q) {
        return CaseFilter.tenant(tenant(q % tenants, tenants));
    }

    /**
     * {@code size} cases: the real ones first, then synthetic mixtures. The vectors are held once, in the row-major
     * array {@link #matrix()} returns (at a million cases 1.5 GB, not twice that); {@link #vectors()} reads copies
     * of its rows.
     */
    static Corpus build(int size, int tenants, List<String> realTexts, List<float[]> realVectors, Random random) {
        List<Case> cases = new ArrayList<>(size);
        int dimension = realVectors.getFirst().length;
        float[] matrix = new float[Math.multiplyExact(size, dimension)];
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < size; i++) {
            boolean real = i < realVectors.size();
            float[] vector = real ? realVectors.get(i) : synthetic(realVectors, random);
            String task = real ? realTexts.get(i) : "synthetic case " + i;
            CaseLabel label = random.nextBoolean() ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE;
            cases.add(new Case(new UUID(size, i), tenant(i, tenants), task, "", "", label == CaseLabel.POSITIVE ? 1 : 0,
                    label, real ? CaseSource.REAL : CaseSource.SYNTHETIC, "", 0, 0, created.plusSeconds(i),
                    created.plusSeconds(i)));
            System.arraycopy(vector, 0, matrix, i * dimension, dimension);
        }
        return new Corpus(cases, new Rows(matrix, dimension), tenants);
    }

    /** The rows of a row-major matrix as a list of vectors, each read as a copy. */
    private static final class Rows extends AbstractList<float[]> implements RandomAccess {
        private final float[] matrix;
        private final int dimension;

        Rows(float[] matrix, int dimension) {
            this.matrix = matrix;
            this.dimension = dimension;
        }

        @Override
        public float[] get(int index) {
            Objects.checkIndex(index, size());
            return Arrays.copyOfRange(matrix, index * dimension, (index + 1) * dimension);
        }

        @Override
        public int size() {
            return matrix.length / dimension;
        }
    }

    /** A noisy mixture of two real vectors, scaled to unit length. */
    private static float[] synthetic(List<float[]> real, Random random) {
        float[] a = real.get(random.nextInt(real.size()));
        float[] b = real.get(random.nextInt(real.size()));
        double mix = random.nextDouble();
        float[] v = new float[a.length];
        double norm = 0;
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (mix * a[d] + (1 - mix) * b[d] + 0.02 * random.nextGaussian());
            norm += (double) v[d] * v[d];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < v.length; d++) {
            v[d] *= scale;
        }
        return v;
    }

    int dimension() {
        return vectors.getFirst().length;
    }

    /**
     * A number that tells this corpus's vectors from another's but not from the same vectors embedded again with
     * round-off differences: a fixed signed weighting of every component, summed.
     */
    double fingerprint() {
        double sum = 0;
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            for (int d = 0; d < v.length; d++) {
                sum += v[d] * ((i * 31 + d) % 17 - 8);
            }
        }
        return sum;
    }

    /** The vectors in one row-major array, for a fast exact scan; {@link #build}'s own array, not to be written. */
    float[] matrix() {
        if (vectors instanceof Rows rows) {
            return rows.matrix;
        }
        int dimension = dimension();
        float[] matrix = new float[vectors.size() * dimension];
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(vectors.get(i), 0, matrix, i * dimension, dimension);
        }
        return matrix;
    }

    /** The exact top k of a query: their ids, and the cosine distance of the k-th (of the last when fewer). */
    record Exact(Set<UUID> ids, double kthDistance) {
    }

    /** The row of case {@code id} in {@link #matrix()}: its index in {@link #cases()} ({@link #build}'s ids). */
    int row(UUID id) {
        if (id.getMostSignificantBits() != cases.size()) {
            throw new IllegalArgumentException("case " + id + " is not of this corpus of " + cases.size());
        }
        return (int) id.getLeastSignificantBits();
    }

    /** The cosine distance of case {@code id} from the query, computed as the exact search computes it. */
    double distance(float[] matrix, float[] query, UUID id) {
        return 1 - (double) dot(matrix, row(id) * query.length, query);
    }

    /** The cosine distances of the query from each case of tenant number {@code tenant}. */
    double[] distances(float[] matrix, float[] query, int tenant) {
        int rows = matrix.length / query.length;
        double[] distances = new double[(rows - tenant + tenants - 1) / tenants];
        for (int row = tenant, i = 0; row < rows; row += tenants, i++) {
            distances[i] = 1 - (double) dot(matrix, row * query.length, query);
        }
        return distances;
    }

    private static float dot(float[] matrix, int base, float[] query) {
        int dimension = query.length;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int d = 0;
        for (; d + 3 < dimension; d += 4) {
            s0 += query[d] * matrix[base + d];
            s1 += query[d + 1] * matrix[base + d + 1];
            s2 += query[d + 2] * matrix[base + d + 2];
            s3 += query[d + 3] * matrix[base + d + 3];
        }
        for (; d < dimension; d++) {
            s0 += query[d] * matrix[base + d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The {@code k} cases of tenant number {@code tenant} with the highest cosine similarity (all vectors are unit
     * length): a scan of the tenant's rows (every T-th), keeping the best {@code k} in small arrays.
     */
    Exact exactTopK(float[] matrix, float[] query, int tenant, int k) {
        int dimension = query.length;
        float[] bestScores = new float[k];
        int[] bestRows = new int[k];
        Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
        int rows = matrix.length / dimension;
        for (int row = tenant; row < rows; row += tenants) {
            float score = dot(matrix, row * dimension, query);
            if (score > bestScores[k - 1]) {
                int at = k - 1;
                while (at > 0 && bestScores[at - 1] < score) {
                    bestScores[at] = bestScores[at - 1];
                    bestRows[at] = bestRows[at - 1];
                    at--;
                }
                bestScores[at] = score;
                bestRows[at] = row;
            }
        }
        Set<UUID> ids = new HashSet<>();
        double kthDistance = 0;
        for (int i = 0; i < k; i++) {
            if (bestScores[i] == Float.NEGATIVE_INFINITY) {
                break;
            }
            ids.add(cases.get(bestRows[i]).id());
            kthDistance = 1 - (double) bestScores[i];
        }
        return new Exact(ids, kthDistance);
    }
}
