package dev.casebook.bench.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.lucene.LuceneCaseStore;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.memory.policy.learned.CaseVectors;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * {@code ./casebook bench memory-learning [--seeds=5] [--episodes=600] [--window=50] [--k=4]}: the memory-learning
 * SIMULATOR. Runs the same stream of simulated tasks with memory off, the similarity policy and the learned policy
 * over several seeds against a real Lucene case store and a simulated LLM behind the OpenAI-compatible HTTP
 * interface, and prints success-rate learning curves with 95% confidence intervals, the final success rates on
 * misleading and other families, and the cost of the learned policy.
 */
public final class MemoryLearningBench {

    static final List<String> POLICIES = List.of("off", "similarity", "learned");

    /** Settings of a run. */
    public record Settings(int seeds, int episodes, int window, int k, int dimension, int families, int misleading) {
        public static Settings defaults() {
            return new Settings(5, 600, 50, 4, 32, 8, 4);
        }
    }

    /** Success (1/0) of every episode, and the family kind, of one policy on one seed. */
    record Run(boolean[] success, boolean[] misleading) {
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
        List<List<Run>> runs = new ArrayList<>();
        for (String policy : POLICIES) {
            List<Run> perSeed = new ArrayList<>();
            int first = a.getInt("--first-seed", 1);
            for (int seed = first; seed < first + settings.seeds(); seed++) {
                perSeed.add(runOne(policy, seed, settings));
            }
            runs.add(perSeed);
        }
        LearningCurves curves = new LearningCurves(POLICIES, runs, settings.window());
        out.print(curves.format());
        out.print(PolicyCost.measure().format());
        return curves;
    }

    static Run runOne(String policyName, long seed, Settings settings) throws Exception {
        SimulatedWorld world = new SimulatedWorld(settings.dimension(), settings.families(), settings.misleading(),
                seed);
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "casebook-memory-learning")
                : Files.createTempDirectory("casebook-memory-learning");
        Random tasks = new Random(seed * 7919);
        boolean[] success = new boolean[settings.episodes()];
        boolean[] misleading = new boolean[settings.episodes()];
        try (LuceneCaseStore store = LuceneCaseStore.open(dir.resolve("cases"),
                new EmbeddingSpace("simulator-" + settings.dimension(), settings.dimension()));
                SimulatedLlm llm = new SimulatedLlm(world, seed * 31)) {
            List<Case> cases = world.cases();
            store.addAll(cases, cases.stream().map(c -> world.truth(c.id()).vector()).toList());
            CaseVectors vectors = list -> list.stream().map(c -> world.truth(c.id()).vector()).toList();
            CaseSelectionPolicy policy = switch (policyName) {
                case "off" -> null;
                case "similarity" -> new SimilarityPolicy(store, SimilarityPolicy.Settings.DEFAULT.withCandidates(64));
                case "learned" -> LearnedPolicy.open(store, vectors, "simulator-" + settings.dimension(),
                        learnedSettings(seed));
                default -> throw new IllegalArgumentException("unknown policy " + policyName);
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
                    String answer = llm.complete(prompt(taskId, selected));
                    boolean solved = answer.equals("FINAL ANSWER: " + SimulatedLlm.expected(taskId));
                    success[episode] = solved;
                    misleading[episode] = world.isMisleading(family);
                    if (policy != null) {
                        for (SelectedCase s : selected) {
                            store.recordUse(SimulatedWorld.TENANT, s.value().id(), solved);
                        }
                        policy.observe(state, selected, solved ? 1 : 0);
                    }
                }
            } finally {
                if (policy instanceof LearnedPolicy learned) {
                    learned.close();
                }
            }
        } finally {
            delete(dir);
        }
        return new Run(success, misleading);
    }

    /**
     * The learned policy as a server runs it ({@link LearnedPolicy.Settings#defaults}), except that it trains inline:
     * the simulated LLM answers in a millisecond where a real one leaves the background trainer seconds, and inline
     * training makes a run a deterministic function of its seed.
     */
    static LearnedPolicy.Settings learnedSettings(long seed) {
        return LearnedPolicy.Settings.defaults(null).withSeed(seed)
                .withTrainingMode(LearnedPolicy.TrainingMode.INLINE);
    }

    /** The planner prompt: the task and the selected cases, each with its role. */
    static String prompt(long taskId, List<SelectedCase> selected) {
        StringBuilder prompt = new StringBuilder("Plan and answer [task " + taskId + "].\n");
        for (SelectedCase s : selected) {
            prompt.append(s.role() == CaseRole.EXAMPLE ? "- example" : "- pitfall").append(" [case ")
                    .append(s.value().id()).append("] ").append(s.value().task()).append('\n');
        }
        return prompt.toString();
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
