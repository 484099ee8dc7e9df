package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Leader clustering of a shortlist by cosine ({@link ShortlistClusters}): in the shortlist's order, a case joins the
 * first leader whose cosine with it is at least the threshold, else it leads a cluster of its own.
 *
 * <p>A shortlist of 64 distinct cases compares up to 2,016 pairs of vectors; the cases of a family are shortlisted
 * together again and again in another order, so an instance keeps, per case, whether it is near each case it has been
 * compared with, and compares a pair again only when one of the two is new or its vector changed. The grouping is the
 * one {@link #cluster(List, double)} computes without the cache (the decision for a pair is symmetric, so a pair's
 * answer serves whichever of the two is the leader). Bounded: the {@link #MAX_CASES} cases used most recently, each
 * keeping its answers for at most {@link #MAX_PAIRS} others (then it starts again). Thread-safe.
 */
final class LeaderClustering {

    /** How many cases keep their answers. */
    static final int MAX_CASES = 1024;

    /** How many answers a case keeps before it forgets them all. */
    static final int MAX_PAIRS = 512;

    private final double threshold;
    private final Map<UUID, Member> members = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Member> eldest) {
            return size() > MAX_CASES;
        }
    };
    private long comparisons;

    LeaderClustering(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be within (0, 1], was " + threshold);
        }
        this.threshold = threshold;
    }

    /**
     * The clustering of {@code vectors} (in the shortlist's order) without a cache: each vector's cluster index,
     * clusters numbered in the order their leaders appear.
     */
    static int[] cluster(List<float[]> vectors, double threshold) {
        int[] clusterOf = new int[vectors.size()];
        List<float[]> leaders = new ArrayList<>();
        List<Double> leaderNorms = new ArrayList<>();
        for (int i = 0; i < clusterOf.length; i++) {
            float[] v = vectors.get(i);
            double norm = Math.sqrt(dot(v, v));
            int joined = -1;
            for (int c = 0; c < leaders.size() && joined < 0; c++) {
                joined = near(leaders.get(c), leaderNorms.get(c), v, norm, threshold) ? c : -1;
            }
            if (joined < 0) {
                joined = leaders.size();
                leaders.add(v);
                leaderNorms.add(norm);
            }
            clusterOf[i] = joined;
        }
        return clusterOf;
    }

    /** As {@link #cluster(List, double)} for {@code cases} with {@code vectors}, pairs compared before not again. */
    synchronized int[] cluster(List<Case> cases, List<float[]> vectors) {
        if (cases.size() != vectors.size()) {
            throw new IllegalArgumentException("need one vector per case: " + cases.size() + " cases, "
                    + vectors.size() + " vectors");
        }
        int[] clusterOf = new int[cases.size()];
        List<Member> leaders = new ArrayList<>();
        for (int i = 0; i < clusterOf.length; i++) {
            Member m = member(cases.get(i).id(), vectors.get(i));
            int joined = -1;
            for (int c = 0; c < leaders.size() && joined < 0; c++) {
                joined = near(leaders.get(c), m) ? c : -1;
            }
            if (joined < 0) {
                joined = leaders.size();
                leaders.add(m);
            }
            clusterOf[i] = joined;
        }
        return clusterOf;
    }

    /** How many pairs of vectors this instance has compared (not answered from its cache). */
    synchronized long comparisons() {
        return comparisons;
    }

    private Member member(UUID id, float[] vector) {
        Member m = members.get(id);
        if (m == null || (m.vector != vector && !Arrays.equals(m.vector, vector))) {
            // a new vector is a new member: answers about the old one are never looked up again
            m = new Member(vector);
            members.put(id, m);
        }
        return m;
    }

    private boolean near(Member leader, Member m) {
        Boolean known = m.near.get(leader);
        if (known != null) {
            return known;
        }
        comparisons++;
        boolean near = near(leader.vector, leader.norm, m.vector, m.norm, threshold);
        m.remember(leader, near);
        leader.remember(m, near);
        return near;
    }

    /** Whether two vectors have cosine at least {@code threshold}; symmetric in the two, bit for bit. */
    private static boolean near(float[] a, double normA, float[] b, double normB, double threshold) {
        return dot(a, b) >= threshold * (normA * normB);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** A case's vector, its norm and its answers about the cases it was compared with. */
    private static final class Member {

        final float[] vector;
        final double norm;
        final Map<Member, Boolean> near = new IdentityHashMap<>();

        Member(float[] vector) {
            this.vector = vector;
            this.norm = Math.sqrt(dot(vector, vector));
        }

        void remember(Member other, boolean isNear) {
            if (near.size() >= MAX_PAIRS) {
                near.clear();
            }
            near.put(other, isNear);
        }
    }
}
