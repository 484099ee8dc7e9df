package dev.casebook.bench.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.memory.policy.learned.CaseVectors;
import dev.casebook.memory.policy.learned.Credit;
import dev.casebook.memory.policy.learned.Exploration;
import dev.casebook.memory.policy.learned.ExplorationPreset;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import dev.casebook.memory.policy.learned.LocalEvidence;
import dev.casebook.memory.policy.learned.PolicySettings;
import dev.casebook.server.memory.MemorySettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code ./casebook bench memory-learning [--seeds=5] [--episodes=600] [--window=50] [--k=4]}: the memory-learning
 * SIMULATOR. Runs the same stream of simulated tasks with memory off, the similarity policy and the learned policy
 * over several seeds against a real Lucene case store and a simulated LLM behind the OpenAI-compatible HTTP
 * interface, and prints success-rate learning curves with 95% confidence intervals, the final success rates on
 * misleading and other families, and the cost of the learned policy.
 */
public final class MemoryLearningBench {

    /** The arms a run compares by default: memory off, similarity, today's learned policy and its variants. */
    static final List<String> POLICIES = List.of("off", "similarity", "learned", "learned-ipw", "learned-slate",
            "learned-ts", "learned-ts-slate", "similarity+insights");

    /**
     * The learned arms: {@code learned} is the server's default ({@link PolicySettings#defaults}: softmax,
     * per-case credit); the others change exploration ({@code -ts} Thompson sampling over the Beta posterior,
     * {@code -ucb} an upper confidence bound) or credit ({@code -ipw} inverse-propensity weighted, {@code -slate}
     * noisy-OR per episode, {@code -lin} linear Thompson sampling over the set shown on local records,
     * {@link Exploration#linear}), {@code -w0.5} the similarity prior's weight, {@code -fade} the similarity prior fading
     * with a case's uses ({@link Exploration#withFadingPrior}; after {@code -ts} or {@code -ucb}), {@code -top} the
     * same fading towards the shortlist's highest prior ({@link Exploration.Fade#TO_TOP}), {@code -local}
     * each case's record on tasks near this one instead of its global record ({@link LocalEvidence}),
     * {@code -cand} cases that succeeded on near tasks added to the shortlist, {@code -cl} clusters of the shortlist
     * left out when their sampled effect near here is negative ({@link Exploration#withClusters}; after
     * {@code -local}), {@code -woP} the prior mean P of a cluster's "not shown" record ({@link
     * Exploration#withWithoutPrior}; after {@code -cl}), {@code -csS} a cluster's effect drawn with S times the cases'
     * spread ({@link Exploration#withClusterSpread}; after {@code -cl}), {@code -gM} softmax over Q until the most
     * similar case's cluster has a mean effect below −M near the task, clusters explored only then ({@link
     * Exploration#withGate}; after {@code -cl}), {@code -nN} a shortlist of N. Knobs:
     * {@code --explore} (the posterior's spread, default 1), {@code --prior} (the network's estimate in
     * pseudo-episodes, default 4), {@code --kernel-power} (16) and {@code --per-case} (64) of the local records,
     * {@code --added} (8) candidates by value, {@code --cluster-threshold} (0.9) the cosine that joins a cluster.
     */
    static PolicySettings arm(String name, long seed, Args args) {
        PolicySettings settings = learnedSettings(seed);
        // the knobs' defaults are the server's presets', so an arm a preset names is the preset (ExplorationPreset)
        double strength = args.getDouble("--explore", ExplorationPreset.STRENGTH);
        double prior = args.getDouble("--prior", ExplorationPreset.PRIOR_STRENGTH);
        double power = args.getDouble("--kernel-power", ExplorationPreset.LOCAL_RECORDS.power());
        int perCase = args.getInt("--per-case", ExplorationPreset.LOCAL_RECORDS.perCase());
        int added = args.getInt("--added", 8);
        double clusterThreshold = args.getDouble("--cluster-threshold", ExplorationPreset.CLUSTER_THRESHOLD);
        for (String part : name.substring("learned".length()).split("-")) {
            settings = switch (part) {
                case "" -> settings;
                case "ipw" -> settings.withCredit(Credit.CASE_IPW);
                case "slate" -> settings.withCredit(Credit.SLATE);
                case "ts" -> settings.withExploration(Exploration.thompson(strength, prior));
                case "ucb" -> settings.withExploration(Exploration.ucb(strength, prior));
                case "lin" -> settings.withExploration(Exploration.linear(strength, prior,
                        LocalEvidence.records(power, perCase)));
                case "fade" -> settings.withExploration(settings.exploration().withFadingPrior());
                case "top" -> settings.withExploration(settings.exploration().withFade(Exploration.Fade.TO_TOP));
                case "local" -> settings.withExploration(settings.exploration().withLocalEvidence(
                        LocalEvidence.records(power, perCase).withAddedCandidates(
                                settings.exploration().local().addedCandidates())));
                case "cand" -> settings.withExploration(settings.exploration().withLocalEvidence(
                        settings.exploration().local().withAddedCandidates(added)));
                case "cl" -> settings.withExploration(settings.exploration().withClusters(clusterThreshold));
                default -> {
                    if (part.startsWith("cs") && part.length() > 2) {
                        yield settings.withExploration(settings.exploration().withClusterSpread(
                                Double.parseDouble(part.substring(2))));
                    }
                    if (part.startsWith("g") && part.length() > 1) {
                        yield settings.withExploration(settings.exploration().withGate(
                                Double.parseDouble(part.substring(1))));
                    }
                    if (part.startsWith("wo") && part.length() > 2) {
                        yield settings.withExploration(settings.exploration().withWithoutPrior(
                                Double.parseDouble(part.substring(2))));
                    }
                    if (part.startsWith("w") && part.length() > 1) {
                        yield settings.withSimilarityWeight(Double.parseDouble(part.substring(1)));
                    }
                    if (part.startsWith("n") && part.length() > 1) {
                        yield settings.withCandidates(Integer.parseInt(part.substring(1)));
                    }
                    throw new IllegalArgumentException("unknown learned arm " + name + " (part '" + part
                        + "'): expected learned[-ts|-ucb|-lin][-local][-cand][-fade|-top][-cl[-woPRIOR][-csSPREAD][-gGATE]][-ipw|-slate][-wWEIGHT][-nCANDIDATES]");
                }
            };
        }
        return settings;
    }

    /** Settings of a run. */
    public record Settings(int seeds, int episodes, int window, int k, int dimension, int families, int misleading) {
        public static Settings defaults() {
            return new Settings(5, 600, 50, 4, 32, 8, 4);
        }
    }

    /**
     * Success (1/0) of every episode, and the family kind, of one policy on one seed; {@code reach} is a diagnostic
     * per episode, a bit set of {@link Reach}.
     */
    record Run(boolean[] success, boolean[] misleading, int[] reach, InsightLog insights) {
        Run(boolean[] success, boolean[] misleading, int[] reach) {
            this(success, misleading, reach, null);
        }
    }

    /**
     * What an insights arm's trigger did in one run: distillations that wrote an insight, declined ones, ratings whose
     * family was too small (server trigger), the families (every-5: clusters; server: the cases the episodes became),
     * and per latent family the first episode whose distillation wrote an insight (−1: none).
     */
    record InsightLog(InsightsArm.Trigger trigger, int distilled, int declined, int tooSmall, long families,
            int[] firstInsight) {
    }

    /** What an episode's selection could reach and showed (bits of {@link Run#reach}). */
    enum Reach {
        /** a helpful case (the task's family, successful) is in the store's shortlist of the arm's N */
        HELPFUL_IN_STORE_SHORTLIST,
        /** a helpful case is in the shortlist the policy chose from (with cases added by value) */
        HELPFUL_IN_POLICY_SHORTLIST,
        /** a helpful case was shown */
        HELPFUL_SHOWN,
        /** a case of another family was shown */
        OTHER_FAMILY_SHOWN,
        /** a case added by value was a helpful one */
        ADDED_HELPFUL,
        /** a case added by value was another family's */
        ADDED_OTHER_FAMILY;

        int bit() {
            return 1 << ordinal();
        }
    }

    private MemoryLearningBench() {
    }

    public static void run(String[] args) throws Exception {
        run(args, System.out);
    }

    public static LearningCurves run(String[] args, PrintStream out) throws Exception {
        Args a = new Args(args);
        Settings d = Settings.defaults();
        Settings settings = new Settings(a.getInt("--seeds", d.seeds()), a.getInt("--episodes", d.episodes()),
                a.getInt("--window", d.window()), a.getInt("--k", d.k()), d.dimension(), d.families(),
                d.misleading());
        out.println("memory-learning SIMULATOR: synthetic task families and a simulated LLM (ScriptedLlmServer over"
                + " the OpenAI-compatible HTTP interface); these are not results of a real model");
        out.printf("%d seeds x %d episodes, K=%d, N=64 candidates, %d families of which %d misleading (their most"
                + " similar cases are look-alikes of other families), base success %.2f, +%.2f with a helpful"
                + " example, -%.2f with an example of another family%n", settings.seeds(), settings.episodes(),
                settings.k(), settings.families(), settings.misleading(), SimulatedWorld.BASE, SimulatedWorld.HELP,
                SimulatedWorld.MISLEAD);
        List<String> policies = a.has("--arms") ? List.of(a.get("--arms").split(",")) : POLICIES;
        CounterfactualEvaluation counterfactual = a.has("--ope-log") && a.get("--ope-log").equals("none") ? null
                : new CounterfactualEvaluation(a.has("--ope-log") ? a.get("--ope-log") : "learned",
                        a.getInt("--ope-draws", CounterfactualEvaluation.DRAWS));
        if (counterfactual != null && !policies.contains(counterfactual.loggingArm())) {
            counterfactual = null;
        }
        List<String> order = new ArrayList<>(policies);
        if (counterfactual != null) {
            // the logging arm first, so every target finds its logs
            order.remove(counterfactual.loggingArm());
            order.addFirst(counterfactual.loggingArm());
        }
        Map<String, List<Run>> byArm = new HashMap<>();
        for (String policy : order) {
            List<Run> perSeed = new ArrayList<>();
            int first = a.getInt("--first-seed", 1);
            for (int seed = first; seed < first + settings.seeds(); seed++) {
                perSeed.add(runOne(policy, seed, settings, a, counterfactual));
            }
            byArm.put(policy, perSeed);
        }
        List<List<Run>> runs = policies.stream().map(byArm::get).toList();
        LearningCurves curves = new LearningCurves(policies, runs, settings.window());
        out.print(curves.format());
        out.print(curves.formatReach());
        out.print(formatInsights(policies, runs, a.getInt("--first-seed", 1)));
        if (counterfactual != null) {
            out.print(counterfactual.format(curves));
        }
        out.print(PolicyCost.measure().format());
        return curves;
    }

    /** Per insights arm and seed, what its trigger did ({@link InsightLog}). */
    static String formatInsights(List<String> policies, List<List<Run>> runs, int firstSeed) {
        StringBuilder out = new StringBuilder();
        for (int p = 0; p < policies.size(); p++) {
            for (int s = 0; s < runs.get(p).size(); s++) {
                InsightLog log = runs.get(p).get(s).insights();
                if (log == null) {
                    continue;
                }
                if (out.isEmpty()) {
                    out.append("insight triggers (first insight: the episode whose distillation wrote the first"
                            + " insight, by latent family, misleading families first; -1 none)\n");
                }
                out.append(String.format(Locale.ROOT, "  %-22s seed %3d  trigger %-7s distilled %4d  declined %4d"
                        + "  too small %4d  families/cases %4d  first insight %s%n", policies.get(p), firstSeed + s,
                        log.trigger().wireName(), log.distilled(), log.declined(), log.tooSmall(), log.families(),
                        Arrays.toString(log.firstInsight())));
            }
        }
        return out.toString();
    }

    static Run runOne(String policyName, long seed, Settings settings) throws Exception {
        return runOne(policyName, seed, settings, new Args(new String[0]), null);
    }

    /** Case vectors of every world built in this JVM, so a target policy can score another run's logged cases. */
    private static final Map<UUID, float[]> VECTORS = new ConcurrentHashMap<>();

    static Run runOne(String arm, long seed, Settings settings, Args args,
            CounterfactualEvaluation counterfactual) throws Exception {
        boolean withInsights = arm.endsWith(INSIGHTS);
        String policyName = withInsights ? arm.substring(0, arm.length() - INSIGHTS.length()) : arm;
        SimulatedWorld world = new SimulatedWorld(settings.dimension(), settings.families(), settings.misleading(),
                seed);
        world.avoidApplies = !args.has("--insight-avoid") || !args.get("--insight-avoid").equals("off");
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "casebook-memory-learning")
                : Files.createTempDirectory("casebook-memory-learning");
        Random tasks = new Random(seed * 7919);
        boolean[] success = new boolean[settings.episodes()];
        boolean[] misleading = new boolean[settings.episodes()];
        int[] reach = new int[settings.episodes()];
        int[] firstInsight = new int[settings.families()];
        Arrays.fill(firstInsight, -1);
        InsightLog log = null;
        try (LuceneCaseStore store = LuceneCaseStore.open(dir.resolve("cases"),
                new EmbeddingSpace("simulator-" + settings.dimension(), settings.dimension()));
                SimulatedLlm llm = new SimulatedLlm(world, seed * 31);
                InsightsArm insights = withInsights ? insightsArm(dir, settings.dimension(), llm, args) : null) {
            llm.reviseKeepsAvoided = !args.has("--insight-revise") || !args.get("--insight-revise").equals("fresh");
            List<Case> cases = world.cases();
            store.addAll(cases, cases.stream().map(c -> world.truth(c.id()).vector()).toList());
            cases.forEach(c -> VECTORS.put(c.id(), world.truth(c.id()).vector()));
            CaseVectors vectors = list -> list.stream().map(c -> VECTORS.get(c.id())).toList();
            CaseSelectionPolicy policy = switch (policyName) {
                case "off" -> null;
                case "similarity" -> new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT.withCandidates(64));
                default -> {
                    if (!policyName.startsWith("learned")) {
                        throw new IllegalArgumentException("unknown policy " + policyName);
                    }
                    yield LearnedPolicy.open(store, vectors, "simulator-" + settings.dimension(),
                            arm(policyName, seed, args));
                }
            };
            try {
                for (int episode = 0; episode < settings.episodes(); episode++) {
                    int family = tasks.nextInt(settings.families());
                    float[] state = world.task(family, tasks);
                    long taskId = episode;
                    llm.register(taskId, family);
                    List<SelectedCase> selected = policy == null ? List.of() : policy.select(
                            new SelectionRequest("task " + taskId, state, CaseFilter.tenant(SimulatedWorld.TENANT),
                                    settings.k()));
                    List<String> shownInsights = insights == null ? List.of() : insights.lookup(state);
                    String answer = llm.complete(prompt(taskId, selected, shownInsights));
                    boolean solved = answer.endsWith("\nFINAL ANSWER: " + SimulatedLlm.expected(taskId));
                    if (insights != null && insights.record(taskId, state, answer.substring("PLAN: ".length(),
                            answer.indexOf('\n')), solved) == InsightsArm.Outcome.DISTILLED
                            && firstInsight[family] < 0) {
                        firstInsight[family] = episode; // a diagnostic: the trigger never reads the latent family
                    }
                    if (counterfactual != null && counterfactual.logs(arm)
                            && episode >= settings.episodes() - Math.max(settings.window(), settings.episodes() / 4)
                            && policy instanceof LearnedPolicy learned) {
                        List<Case> shortlist = store.search(new VectorQuery(state,
                                CaseFilter.tenant(SimulatedWorld.TENANT), learned.settings().candidates())).stream()
                                .map(ScoredCase::value).toList();
                        Set<UUID> shown = selected.stream().map(s -> s.value().id()).collect(Collectors.toSet());
                        double propensity = Math.max(1.0 / counterfactual.draws(),
                                learned.selectionProbability(state, shortlist, settings.k(), shown,
                                        counterfactual.draws(), seed * 1_000_003 + episode));
                        counterfactual.log(seed, new CounterfactualEvaluation.Logged(state, shortlist, settings.k(),
                                shown, solved, propensity));
                    }
                    reach[episode] = reach(world, family, state, store, policy, selected);
                    success[episode] = solved;
                    misleading[episode] = world.isMisleading(family);
                    if (policy != null) {
                        for (SelectedCase s : selected) {
                            store.recordUse(SimulatedWorld.TENANT, s.value().id(), solved);
                        }
                        policy.observe(state, selected, solved ? 1 : 0);
                    }
                }
                if (counterfactual != null && policy instanceof LearnedPolicy learned) {
                    counterfactual.evaluate(arm, seed, learned);
                }
                if (insights != null) {
                    log = new InsightLog(insights.trigger(), insights.distillations(), insights.declined(),
                            insights.tooSmall(), insights.families(), firstInsight);
                }
            } finally {
                if (policy instanceof LearnedPolicy learned) {
                    learned.close();
                }
            }
        } finally {
            delete(dir);
        }
        return new Run(success, misleading, reach, log);
    }

    /**
     * The insights arm of a run: {@code --insight-trigger=server} (default) distils as the server does, by its
     * {@link FamilyRule} ({@code --family-similarity}, {@code --min-family-size}, the server's defaults) over the
     * episodes written as the server writes them ({@code --duplicate-threshold}, the server's default
     * {@code casebook.memory.duplicate-threshold}); {@code every-5} is the simulator's first trigger.
     */
    private static InsightsArm insightsArm(Path dir, int dimension, SimulatedLlm llm, Args args) {
        InsightsArm.Trigger trigger = InsightsArm.Trigger.parse(args.has("--insight-trigger")
                ? args.get("--insight-trigger") : InsightsArm.Trigger.SERVER.wireName());
        if (trigger == InsightsArm.Trigger.EVERY_5) {
            return new InsightsArm(dir.resolve("insights"), dimension, llm);
        }
        FamilyRule rule = new FamilyRule(args.getDouble("--family-similarity", FamilyRule.DEFAULT.similarity()),
                args.getInt("--min-family-size", FamilyRule.DEFAULT.minSize()));
        double duplicates = args.getDouble("--duplicate-threshold",
                new MemorySettings(null, null, null, null, null).duplicateThreshold());
        return new InsightsArm(dir.resolve("insights"), dimension, llm,
                new ServerTrigger(dir.resolve("episodes"), dimension, rule, duplicates));
    }

    /** The {@link Reach} bits of one episode. */
    private static int reach(SimulatedWorld world, int family, float[] state, LuceneCaseStore store,
            CaseSelectionPolicy policy, List<SelectedCase> selected) {
        if (policy == null) {
            return 0;
        }
        CaseFilter filter = CaseFilter.tenant(SimulatedWorld.TENANT);
        int n = policy instanceof LearnedPolicy learned ? learned.settings().candidates() : 64;
        List<Case> fromStore = store.search(new VectorQuery(state, filter, n)).stream().map(ScoredCase::value)
                .toList();
        List<Case> fromPolicy = policy instanceof LearnedPolicy learned ? learned.shortlist(state, filter)
                : fromStore;
        int bits = 0;
        if (fromStore.stream().anyMatch(c -> helpful(world, family, c))) {
            bits |= Reach.HELPFUL_IN_STORE_SHORTLIST.bit();
        }
        if (fromPolicy.stream().anyMatch(c -> helpful(world, family, c))) {
            bits |= Reach.HELPFUL_IN_POLICY_SHORTLIST.bit();
        }
        for (Case added : fromPolicy.subList(Math.min(fromStore.size(), fromPolicy.size()), fromPolicy.size())) {
            bits |= helpful(world, family, added) ? Reach.ADDED_HELPFUL.bit() : 0;
            bits |= world.truth(added.id()).family() != family ? Reach.ADDED_OTHER_FAMILY.bit() : 0;
        }
        for (SelectedCase s : selected) {
            bits |= helpful(world, family, s.value()) ? Reach.HELPFUL_SHOWN.bit() : 0;
            bits |= world.truth(s.value().id()).family() != family ? Reach.OTHER_FAMILY_SHOWN.bit() : 0;
        }
        return bits;
    }

    private static boolean helpful(SimulatedWorld world, int family, Case c) {
        SimulatedWorld.CaseTruth truth = world.truth(c.id());
        return truth.family() == family && truth.successful();
    }

    /**
     * The learned policy as a server runs it ({@link PolicySettings#defaults}), except that it trains inline:
     * the simulated LLM answers in a millisecond where a real one leaves the background trainer seconds, and inline
     * training makes a run a deterministic function of its seed.
     */
    static PolicySettings learnedSettings(long seed) {
        return PolicySettings.defaults(null).withSeed(seed)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
    }

    /** The planner prompt: the task and the selected cases, each with its role. */
    static String prompt(long taskId, List<SelectedCase> selected) {
        return prompt(taskId, selected, List.of());
    }

    /** The planner prompt with the insights of the task's family in a section of their own. */
    static String prompt(long taskId, List<SelectedCase> selected, List<String> insights) {
        StringBuilder prompt = new StringBuilder("Plan and answer [task " + taskId + "].\n");
        for (SelectedCase s : selected) {
            prompt.append(s.role() == CaseRole.EXAMPLE ? "- example" : "- pitfall").append(" [case ")
                    .append(s.value().id()).append("] ").append(s.value().task()).append('\n');
        }
        if (!insights.isEmpty()) {
            prompt.append("Insights:\n");
            insights.forEach(i -> prompt.append("- insight: ").append(i).append('\n'));
        }
        return prompt.toString();
    }

    /** The suffix of an arm that adds distilled insights to its policy ({@code similarity+insights}). */
    static final String INSIGHTS = "+insights";

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
