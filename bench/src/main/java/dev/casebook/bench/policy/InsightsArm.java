package dev.casebook.bench.policy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.Vectors;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.insight.ScoredInsight;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.server.memory.InsightDistiller;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The simulator's insights arm (a simulation): episodes are grouped into task families by their task vectors alone
 * (online leader clustering: an episode joins the family whose centroid is within {@link #JOIN} cosine, else starts
 * one; the latent family is never read), and every {@link #DISTIL_EVERY} new episodes of a family the real
 * {@link InsightDistiller} is shown its most recent successes and failures through the simulated LLM and writes or
 * revises the family's insight in a real {@link LuceneInsightStore}. A task is shown the insights whose centroid is
 * within the server's default threshold of its vector ({@code k} 2, min similarity 0.7).
 */
final class InsightsArm implements AutoCloseable {
    static final double JOIN = 0.9;
    static final int DISTIL_EVERY = 5;
    static final int RECENT = 24;
    static final int MAX_SHOWN = 6;
    static final int K = 2;
    static final double MIN_SIMILARITY = 0.7;

    /** A family of tasks as the arm sees it: its members, newest last, and its insight once there is one. */
    private static final class Family {
        final List<InsightDistiller.Member> members = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();
        float[] centroid;
        int sinceDistilled;
        Insight insight;
    }

    private final LuceneInsightStore store;
    private final InsightDistiller distiller;
    private final List<Family> families = new ArrayList<>();
    private int distillations;
    private int declined;

    InsightsArm(Path dir, int dimension, SimulatedLlm llm) {
        this.store = LuceneInsightStore.open(dir, new EmbeddingSpace("simulator-" + dimension, dimension));
        this.distiller = new InsightDistiller(llm::distil, MAX_SHOWN);
    }

    /** The insight texts a task with this vector is shown. */
    List<String> lookup(float[] state) {
        return store.nearest(new InsightQuery(SimulatedWorld.TENANT, Set.of(), state, K, MIN_SIMILARITY)).stream()
                .map(ScoredInsight::value).map(Insight::text).toList();
    }

    /** Records a finished episode and distils its family's insight when it is due. */
    void record(long taskId, float[] state, String plan, boolean success) throws InterruptedException {
        Family family = familyOf(state);
        family.members.add(new InsightDistiller.Member(new UUID(0, taskId), "task " + taskId, plan,
                success ? "right" : "wrong", success, state));
        family.vectors.add(state);
        family.centroid = Insight.centroidOf(family.vectors);
        if (++family.sinceDistilled < DISTIL_EVERY) {
            return;
        }
        family.sinceDistilled = 0;
        List<InsightDistiller.Member> recent = new ArrayList<>(family.members.subList(
                Math.max(0, family.members.size() - RECENT), family.members.size()));
        Collections.reverse(recent);
        switch (distiller.distil(SimulatedWorld.TENANT, "default", recent, family.insight)) {
            case InsightDistiller.Outcome.Distilled d -> {
                family.insight = store.save(d.insight());
                distillations++;
            }
            case InsightDistiller.Outcome.Declined d -> declined++;
        }
    }

    private Family familyOf(float[] state) {
        Family best = null;
        double bestScore = JOIN;
        for (Family f : families) {
            double score = Vectors.cosine(state, f.centroid);
            if (score >= bestScore) {
                best = f;
                bestScore = score;
            }
        }
        if (best == null) {
            best = new Family();
            families.add(best);
        }
        return best;
    }

    int families() {
        return families.size();
    }

    int distillations() {
        return distillations;
    }

    int declined() {
        return declined;
    }

    @Override
    public void close() {
        store.close();
    }
}
