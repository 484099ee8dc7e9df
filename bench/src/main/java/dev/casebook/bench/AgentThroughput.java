package dev.casebook.bench;

import dev.casebook.server.agent.AgentSettings;
import dev.casebook.server.agent.CasebookAgent;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.builtin.CalculatorTool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Agent throughput (issue 3): the real agent and LangChain4j client against the scripted LLM answering after a fixed
 * latency L. A task is plan → one subtask with one calculator call → replan with the answer: 4 LLM calls, so its
 * LLM time is 4·L and the ideal throughput at concurrency c is c / (4·L). Prints tasks/s, the fraction of ideal, and
 * the process CPU time per task (which includes the scripted server's own serving; an upper bound for the agent).
 * Each level first runs an untimed warm-up round at the same concurrency (JIT compilation, connection pools), then
 * measures four tasks per slot.
 * Args: [latencyMs=200] [concurrency levels=1,16,128,512].
 */
final class AgentThroughput implements Bench.Benchmark {
    private static final int CALLS_PER_TASK = 4;

    @Override
    public void run(String[] args) throws Exception {
        long latency = args.length > 0 ? Long.parseLong(args[0]) : 200;
        String levels = args.length > 1 ? args[1] : "1,16,128,512";
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            Duration l = Duration.ofMillis(latency);
            llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"compute 6*7\"]}").after(l));
            llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                    .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7\"}").after(l));
            llm.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("42").after(l));
            llm.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"42\"}").after(l));
            var role = new ModelSettings.Role("openai", llm.baseUrl(), "bench", "scripted", Duration.ofSeconds(60),
                    0, Duration.ofMillis(10));
            CasebookAgent agent = new CasebookAgent(Models.of(new ModelSettings(role, null, null, null, null, null)),
                    new Toolbox(List.of(new CalculatorTool())), null, AgentSettings.DEFAULT);

            System.out.printf("agent throughput, scripted LLM latency L = %d ms, %d LLM calls per task%n", latency,
                    CALLS_PER_TASK);
            System.out.printf("%12s %8s %12s %12s %10s %16s%n", "concurrency", "tasks", "tasks/s", "ideal/s",
                    "fraction", "cpu ms / task");
            for (String level : levels.split(",")) {
                int concurrency = Integer.parseInt(level.strip());
                runLevel(agent, concurrency, Math.max(concurrency * 2, 8), latency, false);
                runLevel(agent, concurrency, Math.max(concurrency * 4, 16), latency, true);
            }
        }
    }

    private static void runLevel(CasebookAgent agent, int concurrency, int tasks, long latency, boolean print)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        int answered = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore slots = new Semaphore(concurrency);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                slots.acquire();
                int n = i;
                outcomes.add(pool.submit(() -> {
                    try {
                        return agent.run(TaskSpec.of("bench-" + n, "bench", "What is 6*7? (" + n + ")")
                                .withMemoryMode(MemoryMode.OFF), step -> { });
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<Outcome> outcome : outcomes) {
                if (outcome.get() instanceof Outcome.Answered) {
                    answered++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuMs = (os.getProcessCpuTime() - cpuBefore) / 1e6;
        if (answered != tasks) {
            throw new IllegalStateException(
                    (tasks - answered) + " of " + tasks + " tasks did not answer at concurrency " + concurrency);
        }
        if (print) {
            double rate = tasks / seconds;
            double ideal = concurrency / (CALLS_PER_TASK * latency / 1000.0);
            System.out.printf("%12d %8d %12.1f %12.1f %10.2f %16.2f%n", concurrency, tasks, rate, ideal,
                    rate / ideal, cpuMs / tasks);
        }
    }
}
