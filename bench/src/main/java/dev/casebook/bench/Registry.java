package dev.casebook.bench;

/** The list of benchmarks. Each benchmark adds one line here. */
final class Registry {
    private Registry() {
    }

    static void registerAll() {
        Bench.register("policy-offline", dev.casebook.bench.policy.PolicyOfflineBench::run);
        Bench.register("memory-learning", dev.casebook.bench.policy.MemoryLearningBench::run);
        Bench.register("synthesis-transfer", dev.casebook.bench.policy.SynthesisTransferBench::run);
        Bench.register("synthesis-real", new SynthesisReal());
        Bench.register("agent-throughput", new AgentThroughput());
        Bench.register("task-throughput", new TaskThroughput());
        Bench.register("evaluation-throughput", new EvaluationThroughput());
        Bench.register("dream-throughput", new DreamThroughput());
        Bench.register("sandbox-verify", new SandboxVerifyBench());
        Bench.register("embedding", new EmbeddingThroughputBench());
        Bench.register("inference", new InferenceBench());
        Bench.register("retrieval", new RetrievalBench());
        Bench.register("import", ImportBench::run);
    }
}
