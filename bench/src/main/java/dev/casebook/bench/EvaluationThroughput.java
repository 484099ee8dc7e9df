package dev.casebook.bench;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.testkit.SharedData;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluation throughput (issue 5): the whole DeepResearcher test set (3,197 questions) as one batch run of the
 * server (REST, run records in the embedded database, claims, scoring) through the real agent against the scripted
 * LLM answering after a fixed latency L (one planner call per question). Prints the wall time against the ideal
 * (items × L / concurrency), the fraction of ideal, the server's overhead per item, and as a baseline measured in
 * the same run the rate of the agent bean called directly at the same concurrency. Target: fraction ≥ 0.8. Also prints
 * how the wall time splits into creating the run and working its items, the process CPU per item of both (the machine
 * is shared: compare those and the ratio to the baseline, not absolute seconds) and the load average around it.
 * Args: [latencyMs=200] [concurrency=64] [dataset=deepresearcher/test.parquet].
 */
final class EvaluationThroughput implements Bench.Benchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public void run(String[] args) throws Exception {
        long latency = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        String dataset = SharedData.file(args.length > 2 ? args[2] : "deepresearcher/test.parquet").toString();
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Match.interaction("plan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: scripted\"}").after(Duration.ofMillis(latency)));
            try (ConfigurableApplicationContext server = new SpringApplicationBuilder(CasebookApplication.class).run(
                    "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:evalbench;DB_CLOSE_DELAY=-1",
                    "--casebook.models.planner.base-url=" + llm.baseUrl(), "--casebook.models.planner.model=scripted",
                    "--casebook.models.planner.api-key=bench", "--casebook.models.planner.max-retries=0",
                    "--casebook.memory.store=none", "--casebook.evaluation.max-concurrency=1024",
                    "--logging.level.root=WARN")) {
                String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
                run(base, dataset, 4, 50); // warm-up
                double loadBefore = OS.getSystemLoadAverage();
                int baselineTasks = Math.min(640, 10 * concurrency);
                long cpu = OS.getProcessCpuTime();
                double agentAlone = agentAlone(server.getBean(Agent.class), baselineTasks, concurrency);
                double agentAloneCpuMs = (OS.getProcessCpuTime() - cpu) / 1e6 / baselineTasks;
                cpu = OS.getProcessCpuTime();
                long started = System.nanoTime();
                Instant posted = Instant.now();
                JsonNode run = run(base, dataset, concurrency, null);
                double seconds = (System.nanoTime() - started) / 1e9;
                int items = run.get("done").asInt();
                double runCpuMs = (OS.getProcessCpuTime() - cpu) / 1e6 / items;
                double ideal = items * (latency / 1000.0) / concurrency;
                double creating = Duration.between(posted, instant(run, "startedAt")).toMillis() / 1000.0;
                double working = Duration.between(instant(run, "startedAt"), instant(run, "finishedAt")).toMillis() / 1000.0;
                System.out.printf("evaluation throughput: %d items, scripted LLM latency L = %d ms, concurrency %d, "
                        + "%d cores, load average %.2f before and %.2f after%n", items, latency, concurrency,
                        Runtime.getRuntime().availableProcessors(), loadBefore, OS.getSystemLoadAverage());
                System.out.printf("%12s %12s %10s %22s %18s %22s%n", "wall s", "ideal s", "fraction", "overhead ms / item",
                        "items/s", "agent alone items/s");
                System.out.printf("%12.2f %12.2f %10.2f %22.2f %18.1f %22.1f%n", seconds, ideal, ideal / seconds,
                        (seconds - ideal) * 1000.0 * concurrency / items, items / seconds, agentAlone);
                System.out.printf("server run / agent alone (same run, same concurrency): %.2f%n", items / seconds / agentAlone);
                System.out.printf("wall time: %.2f s from the request until the run started (reading the dataset, "
                        + "creating the items), %.2f s working the items (%.2f of ideal)%n", creating, working,
                        ideal / working);
                System.out.printf("process CPU per item: %.2f ms in the server run, %.2f ms agent alone (both include "
                        + "the scripted LLM server)%n", runCpuMs, agentAloneCpuMs);
            }
        }
    }

    private static Instant instant(JsonNode run, String field) {
        return Instant.parse(run.get(field).asString());
    }

    /** Baseline: the same agent bean called directly at the same concurrency, no run records or scoring. */
    private static double agentAlone(Agent agent, int tasks, int concurrency) throws Exception {
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore slots = new Semaphore(concurrency);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                slots.acquire();
                int n = i;
                outcomes.add(pool.submit(() -> {
                    try {
                        return agent.run(new TaskSpec(UUID.randomUUID().toString(), "bench", "Baseline question " + n + "?",
                                List.of(), MemoryMode.OFF, null, Budgets.DEFAULT, "", null, null), step -> { });
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<Outcome> outcome : outcomes) {
                if (!(outcome.get() instanceof Outcome.Answered)) {
                    throw new IllegalStateException("a baseline task did not answer: " + outcome.get());
                }
            }
        }
        return tasks / ((System.nanoTime() - started) / 1e9);
    }

    private static JsonNode run(String base, String dataset, int concurrency, Integer limit) throws Exception {
        String body = "{\"dataset\": " + JSON.writeValueAsString(dataset) + ", \"concurrency\": " + concurrency
                + ", \"scorers\": [\"deepresearcher\"]" + (limit == null ? "" : ", \"limit\": " + limit) + "}";
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/evaluations/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("run refused: " + created.body());
        }
        String id = JSON.readTree(created.body()).get("id").asString();
        while (true) {
            JsonNode run = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/evaluations/runs/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String status = run.get("status").asString();
            if (status.equals("completed")) {
                return run;
            }
            if (!status.equals("running") && !status.equals("queued")) {
                throw new IllegalStateException("run ended " + status + ": " + run);
            }
            Thread.sleep(100);
        }
    }
}
