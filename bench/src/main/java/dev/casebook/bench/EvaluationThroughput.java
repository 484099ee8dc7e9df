package dev.casebook.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.casebook.bench.process.CasebookServerProcess;
import dev.casebook.bench.process.ScriptedLlmProcess;
import dev.casebook.testkit.SharedData;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Evaluation throughput (issues 5 and 14): the DeepResearcher test set (3,197 questions) as one batch run of the
 * server (REST, run records, claims, scoring, and case memory in the mode the run asks for) through the real agent
 * against the scripted LLM answering after a fixed latency L (one planner call per question). The server and the
 * scripted LLM each run in a JVM of their own ({@link CasebookServerProcess}, {@link ScriptedLlmProcess}), so the
 * server's CPU is measured alone. Every store gets a fresh server, warmed up by a read-write run of 200 items. Memory
 * {@code off} runs first in each repeat: the baseline of the rows after it. Prints, per row, items/s against the
 * ideal c / L, the fraction of ideal, the server's CPU per item and per LLM call, the LLM process's and the client's
 * CPU per item, and the load average; the time from the request until the run started is printed apart.
 * Args: [--latency=200] [--concurrency=64] [--dataset=deepresearcher/test.parquet] [--limit=all]
 * [--memory=off,read-only,read-write] [--store=lucene,pgvector] [--repeats=1].
 */
final class EvaluationThroughput implements Bench.Benchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public void run(String[] argv) throws Exception {
        BenchArgs args = BenchArgs.parse(argv);
        int latency = args.integer("latency", 200);
        int concurrency = args.integer("concurrency", 64);
        int repeats = args.integer("repeats", 1);
        Integer limit = args.values().containsKey("limit") ? args.integer("limit", 0) : null;
        String dataset = SharedData.file(args.values().getOrDefault("dataset", "deepresearcher/test.parquet"))
                .toString();
        Set<String> modes = new LinkedHashSet<>(List.of("off"));
        modes.addAll(args.strings("memory", List.of("off", "read-only", "read-write")));
        List<String> stores = args.strings("store", List.of("lucene", "pgvector"));
        double idealPerSecond = concurrency / (latency / 1000.0);
        System.out.printf("evaluation throughput with memory: scripted LLM in its own JVM, L = %d ms, 1 LLM call per "
                + "item, concurrency %d, ideal %.1f items/s, %d cores, %s%n", latency, concurrency, idealPerSecond,
                Runtime.getRuntime().availableProcessors(), dataset);
        Rows rows = new Rows("items/s", "item", idealPerSecond);
        try (ScriptedLlmProcess llm = ScriptedLlmProcess.start("evaluation", Duration.ofMillis(latency))) {
            for (String store : stores) {
                try (CasebookServerProcess server = CasebookServerProcess.start(store, llm.baseUrl(),
                        List.of("--casebook.evaluation.max-concurrency=1024",
                                // the bench's server has auth on: it reads server paths only under a dataset root
                                "--casebook.evaluation.dataset-root=" + Path.of(dataset).getParent()))) {
                    run(server.baseUrl(), dataset, Math.min(concurrency, 16), 200, "read-write"); // warm-up
                    for (int r = 0; r < repeats; r++) {
                        for (String mode : modes) {
                            llm.takeCalls();
                            double load = OS.getSystemLoadAverage();
                            double serverCpu = server.cpuMillis();
                            double refreshes = server.luceneRefreshes();
                            double llmCpu = llm.cpuMillis();
                            long clientCpu = OS.getProcessCpuTime();
                            Instant posted = Instant.now();
                            JsonNode run = run(server.baseUrl(), dataset, concurrency, limit, mode);
                            Instant startedAt = Instant.parse(run.get("startedAt").asString());
                            Instant finishedAt = Instant.parse(run.get("finishedAt").asString());
                            double working = Duration.between(startedAt, finishedAt).toMillis() / 1000.0;
                            int items = run.get("done").asInt();
                            System.out.printf("  %s memory %s: %.2f s from the request until the run started%n",
                                    store, mode, Duration.between(posted, startedAt).toMillis() / 1000.0);
                            rows.add(store, mode, new Rows.Measured(items, working, server.cpuMillis() - serverCpu,
                                    llm.cpuMillis() - llmCpu, (OS.getProcessCpuTime() - clientCpu) / 1e6,
                                    llm.takeCalls(), load, OS.getSystemLoadAverage(),
                                    server.luceneRefreshes() - refreshes));
                        }
                    }
                }
            }
        }
        rows.print();
        System.out.println("items/s and fraction: from the run's start to its end (creating the run is printed "
                + "above); CPU: the whole request, creation included");
    }

    private static JsonNode run(String base, String dataset, int concurrency, Integer limit, String mode)
            throws Exception {
        String body = "{\"dataset\": " + JSON.writeValueAsString(dataset) + ", \"concurrency\": " + concurrency
                + ", \"scorers\": [\"deepresearcher\"], \"memoryMode\": \"" + mode + "\""
                + (limit == null ? "" : ", \"limit\": " + limit) + "}";
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/evaluations/runs"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer bench")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("run refused: " + created.statusCode() + " " + created.body());
        }
        String id = JSON.readTree(created.body()).get("id").asString();
        while (true) {
            JsonNode run = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/evaluations/runs/" + id))
                    .header("Authorization", "Bearer bench").build(), HttpResponse.BodyHandlers.ofString()).body());
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
