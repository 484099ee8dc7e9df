package dev.casebook.bench.policy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.Vectors;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.insight.ScoredInsight;
import dev.casebook.memory.lucene.LuceneInsightStore;
import dev.casebook.server.memory.InsightDistiller;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The simulator's insights arm (a simulation): when a family is distilled depends on the {@link Trigger}. With
 * {@link Trigger#SERVER} every episode is written and rated as the server writes a scored real task, and its family
 * is distilled by the server's own rule ({@link ServerTrigger}, {@link FamilyRule}) with the server's
 * {@code max-shown}. With {@link Trigger#EVERY_5} (the simulator's first trigger) episodes are grouped into task
 * families by their task vectors alone (online leader clustering: an episode joins the family whose centroid is
 * within {@link #JOIN} cosine, else starts one; the latent family is never read), and every {@link #DISTIL_EVERY}
 * new episodes of a family its most recent successes and failures are distilled. Either way the real
 * {@link InsightDistiller} is shown the family through the simulated LLM and writes or revises its insight in a real
 * {@link LuceneInsightStore}, and a task is shown the insights whose centroid is within the server's default
 * threshold of its vector ({@code k} 2, min similarity 0.7).
 */
final class InsightsArm implements AutoCloseable {
    static final double JOIN = 0.9;
    static final int DISTIL_EVERY = 5;
    static final int RECENT = 24;
    static final int MAX_SHOWN = 6;
    static final int K = 2;
    static final double MIN_SIMILARITY = 0.7;

    /** When a family is distilled ({@code --insight-trigger}). */
    enum Trigger {
        /** as the server does: whenever a case is rated and its family (by the server's rule) is big enough */
        SERVER,
        /** every {@link #DISTIL_EVERY} new episodes of a leader-clustered family (the simulator's first trigger) */
        EVERY_5;

        static Trigger parse(String text) {
            return switch (text) {
                case "server" -> SERVER;
                case "every-5" -> EVERY_5;
                default -> throw new IllegalArgumentException("--insight-trigger must be server or every-5, was '"
                        + text + "'");
            };
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A family of tasks as the every-5 trigger sees it: its members, newest last, and its insight once there is one. */
    private static final class Family {
        final List<InsightDistiller.Member> members = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();
        float[] centroid;
        int sinceDistilled;
        Insight insight;
    }

    /** What record did: an insight written, the distiller declined, the family too small, or nothing due. */
    enum Outcome {
        DISTILLED, DECLINED, TOO_SMALL, NOT_DUE
    }

    private final LuceneInsightStore store;
    private final InsightDistiller distiller;
    private final ServerTrigger server;
    private final List<Family> families = new ArrayList<>();
    private int distillations;
    private int declined;
    private int tooSmall;

    /** The every-5 trigger. */
    InsightsArm(Path dir, int dimension, SimulatedLlm llm) {
        this(dir, dimension, llm, null);
    }

    /** The server's trigger when {@code server} is given, else the every-5 trigger. */
    InsightsArm(Path dir, int dimension, SimulatedLlm llm, ServerTrigger server) {
        this.store = LuceneInsightStore.open(dir, new EmbeddingSpace("simulator-" + dimension, dimension));
        this.distiller = new InsightDistiller(llm::distil, server == null ? MAX_SHOWN : InsightDistiller.MAX_SHOWN);
        this.server = server;
    }

    /** The insight texts a task with this vector is shown. */
    List<String> lookup(float[] state) {
        return store.nearest(new InsightQuery(SimulatedWorld.TENANT, Set.of(), state, K, MIN_SIMILARITY)).stream()
                .map(ScoredInsight::value).map(Insight::text).toList();
    }

    /** Records a finished (and scored) episode and distils its family's insight when the trigger says so. */
    Outcome record(long taskId, float[] state, String plan, boolean success) throws InterruptedException {
        Outcome outcome = server == null ? everyFive(taskId, state, plan, success)
                : byServerRule(taskId, state, plan, success);
        switch (outcome) {
            case DISTILLED -> distillations++;
            case DECLINED -> declined++;
            case TOO_SMALL -> tooSmall++;
            case NOT_DUE -> {
            }
        }
        return outcome;
    }

    /** As the server's {@code InsightTrigger} distils a rated case's family (the rule's members and previous insight). */
    private Outcome byServerRule(long taskId, float[] state, String plan, boolean success)
            throws InterruptedException {
        FamilyRule.Family family = server.rated(taskId, state, plan, success);
        if (!family.distillable()) {
            return Outcome.TOO_SMALL;
        }
        List<InsightDistiller.Member> members = family.members().stream().map(InsightDistiller.Member::of).toList();
        String bank = family.rated().bank();
        float[] centroid = Insight.centroidOf(members.stream().map(InsightDistiller.Member::vector).toList());
        Insight previous = store.nearest(server.rule().previousInsight(SimulatedWorld.TENANT, bank, centroid))
                .stream().map(ScoredInsight::value).findFirst().orElse(null);
        return save(distiller.distil(SimulatedWorld.TENANT, bank, members, previous));
    }

    private Outcome everyFive(long taskId, float[] state, String plan, boolean success) throws InterruptedException {
        Family family = familyOf(state);
        family.members.add(new InsightDistiller.Member(new UUID(0, taskId), "task " + taskId, plan,
                success ? "right" : "wrong", success, state));
        family.vectors.add(state);
        family.centroid = Insight.centroidOf(family.vectors);
        if (++family.sinceDistilled < DISTIL_EVERY) {
            return Outcome.NOT_DUE;
        }
        family.sinceDistilled = 0;
        List<InsightDistiller.Member> recent = new ArrayList<>(family.members.subList(
                Math.max(0, family.members.size() - RECENT), family.members.size()));
        Collections.reverse(recent);
        return switch (distiller.distil(SimulatedWorld.TENANT, "default", recent, family.insight)) {
            case InsightDistiller.Outcome.Distilled d -> {
                family.insight = store.save(d.insight());
                yield Outcome.DISTILLED;
            }
            case InsightDistiller.Outcome.Declined d -> Outcome.DECLINED;
        };
    }

    private Outcome save(InsightDistiller.Outcome outcome) {
        return switch (outcome) {
            case InsightDistiller.Outcome.Distilled d -> {
                store.save(d.insight());
                yield Outcome.DISTILLED;
            }
            case InsightDistiller.Outcome.Declined d -> Outcome.DECLINED;
        };
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

    /** The every-5 trigger's clusters; with the server's trigger, the cases the episodes became. */
    long families() {
        return server == null ? families.size() : server.cases();
    }

    Trigger trigger() {
        return server == null ? Trigger.EVERY_5 : Trigger.SERVER;
    }

    int distillations() {
        return distillations;
    }

    int declined() {
        return declined;
    }

    int tooSmall() {
        return tooSmall;
    }

    @Override
    public void close() {
        store.close();
        if (server != null) {
            server.close();
        }
    }
}
