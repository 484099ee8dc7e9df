package dev.casebook.bench.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.learned.CaseVectors;
import dev.casebook.memory.policy.learned.Credit;
import dev.casebook.memory.policy.learned.Exploration;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.memory.policy.learned.LocalEvidence;
import dev.casebook.memory.policy.learned.PairFeatures;
import dev.casebook.memory.policy.learned.PolicySettings;
import dev.casebook.memory.policy.learned.QNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * What the learned policy costs at the production shape (384-dimensional embeddings, 128 hidden units): one batched
 * forward pass over 64 candidates and one training step on a mini-batch of 32 (the network alone, as before), then
 * per exploration rule a whole selection from a 64-case shortlist (features, scoring, posterior draws, the K draws;
 * with clipped IPW also the repeated selections that estimate propensities; with local records a replay buffer
 * holding 64 examples of every candidate, the bound of what a selection weighs), and per credit rule one training step
 * as the policy trains it (mini-batch assembly included); medians of timed repetitions after a warm-up, the store's
 * search excluded.
 */
record PolicyCost(String device, double scoreMillis, double trainMillis, int dimension,
        Map<String, Double> selectMillis, Map<String, Double> stepMillis) {

    static PolicyCost measure() {
        int dimension = 384;
        Random random = new Random(1);
        float[] candidates = random(64 * PairFeatures.width(dimension), random);
        float[] batch = random(32 * PairFeatures.width(dimension), random);
        float[] rewards = new float[32];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = random.nextBoolean() ? 1 : 0;
        }
        String device;
        double score;
        double train;
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(dimension))) {
            score = median(200, () -> network.score(candidates, 64));
            train = median(200, () -> network.train(batch, rewards, 32));
            device = network.device().toString();
        }
        Map<String, Double> select = new LinkedHashMap<>();
        Map<String, Double> step = new LinkedHashMap<>();
        try {
            Path dir = Files.createTempDirectory("casebook-policy-cost");
            Map<UUID, float[]> vectors = new HashMap<>();
            try (LuceneCaseStore store = LuceneCaseStore.open(dir, new EmbeddingSpace("cost-" + dimension,
                    dimension))) {
                List<Case> cases = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    Case c = Case.of("cost", "case " + i, "", "", i % 3 == 0 ? 0 : 1, CaseSource.REAL)
                            .withCounts(i % 7, i % 7 / 2);
                    cases.add(c);
                    vectors.put(c.id(), SimulatedWorld.unit(random(dimension, random)));
                }
                store.addAll(cases, cases.stream().map(c -> vectors.get(c.id())).toList());
                CaseVectors caseVectors = list -> list.stream().map(c -> vectors.get(c.id())).toList();
                float[] state = SimulatedWorld.unit(random(dimension, random));
                List<Case> shortlist = cases;
                Map<String, PolicySettings> arms = new LinkedHashMap<>();
                PolicySettings base = PolicySettings.defaults(null)
                        .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
                arms.put("softmax", base);
                arms.put("thompson", base.withExploration(Exploration.thompson(1, 4)));
                arms.put("softmax+ipw", base.withCredit(Credit.CASE_IPW));
                // local records with every case's 64 newest examples in the buffer (their upper bound), no training
                LocalEvidence local = LocalEvidence.records(16, 64);
                PolicySettings untrained = base.withTraining(128, 1e-3f, 32, Integer.MAX_VALUE, 1);
                arms.put("thompson+local", untrained.withExploration(Exploration.thompson(1, 4)
                        .withLocalEvidence(local)));
                arms.put("linear+local", untrained.withExploration(Exploration.linear(1, 4, local)));
                // every random case its own cluster: the most clusters a shortlist of 64 can have
                arms.put("thompson+local+clusters", untrained.withExploration(Exploration.thompson(1, 4)
                        .withLocalEvidence(local).withClusters(0.9)));
                // a shortlist of 32: the examples of the 32 other cases are scanned for candidates to add
                arms.put("thompson+local+8 added (shortlist 32)", untrained.withCandidates(32)
                        .withExploration(Exploration.thompson(1, 4).withLocalEvidence(local.withAddedCandidates(8))));
                for (Map.Entry<String, PolicySettings> arm : arms.entrySet()) {
                    try (LearnedPolicy policy = LearnedPolicy.open(store, caseVectors, "cost-" + dimension,
                            arm.getValue())) {
                        if (arm.getValue().exploration().local().localRecords()) {
                            fillReplay(policy, cases, dimension, random);
                        }
                        select.put(arm.getKey(), median(100, () -> policy.select(new SelectionRequest("cost", state,
                                CaseFilter.tenant("cost"), 4))) - median(100, () -> store.search(
                                new VectorQuery(state, CaseFilter.tenant("cost"), 64))));
                    }
                }
                for (Credit credit : Credit.values()) {
                    try (LearnedPolicy policy = LearnedPolicy.open(store, caseVectors, "cost-" + dimension,
                            base.withCredit(credit).withTraining(128, 1e-3f, 32, 32, 1))) {
                        List<SelectedCase> selected = policy.select(new SelectionRequest("cost", state,
                                CaseFilter.tenant("cost"), 4));
                        for (int i = 0; i < 10; i++) {
                            policy.observe(state, selected, i % 2);
                        }
                        // each observe of 4 cases earns 4 steps
                        step.put(credit.name(), median(50, () -> policy.observe(state, selected, 1)) / 4);
                    }
                }
            } finally {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cost measurement store", e);
        }
        return new PolicyCost(device, score, train, dimension, select, step);
    }

    /** 64 examples of each case (4 cases per episode, each episode its own task), half of them successes. */
    private static void fillReplay(LearnedPolicy policy, List<Case> cases, int dimension, Random random) {
        for (int episode = 0; episode < 64 * cases.size() / 4; episode++) {
            List<SelectedCase> shown = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                shown.add(new SelectedCase(cases.get((episode * 4 + i) % cases.size()), 0.5, CaseRole.EXAMPLE));
            }
            policy.observe(SimulatedWorld.unit(random(dimension, random)), shown, episode % 2);
        }
    }

    String format() {
        StringBuilder out = new StringBuilder(String.format("cost on %s (d=%d, 128 hidden): score 64 candidates %.2f"
                + " ms, train one mini-batch of 32 %.2f ms (median of 200)%n", device, dimension, scoreMillis,
                trainMillis));
        out.append("  one selection of 4 from 64, search excluded:");
        selectMillis.forEach((k, v) -> out.append(String.format(" %s %.2f ms;", k, v)));
        out.append("\n  one training step as the policy trains it:");
        stepMillis.forEach((k, v) -> out.append(String.format(" %s %.2f ms;", k, v)));
        return out.append('\n').toString();
    }

    private static double median(int repetitions, Runnable action) {
        for (int i = 0; i < 20; i++) {
            action.run();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            action.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repetitions / 2];
    }

    private static float[] random(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
