package dev.casebook.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.casebook.bench.process.CasebookServerProcess;
import dev.casebook.bench.process.ScriptedLlmProcess;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.json.JsonMapper;

/**
 * Task throughput through the API with case memory (issue 14): the server runs in a JVM of its own, as
 * {@code ./casebook start} runs it, and so does the scripted LLM ({@link ScriptedLlmProcess}: plan → one calculator
 * call → its result → the answer, 4 calls of latency L a task), so the CPU of each is measured alone. Tasks are
 * distinct DeepResearcher test questions submitted with {@code POST /api/tasks} and followed to their {@code end}
 * event, at most {@code concurrency} at once, with each memory mode asked for in the request; every store gets a
 * fresh server, warmed up with a read-write round (which also fills its memory). Memory {@code off} always runs first
 * in each repeat: it is the baseline the other rows are compared with, measured in the same run.
 * Prints, per row, tasks/s against the ideal c / (4·L), the server's CPU per task and per LLM call, the LLM
 * process's and the benchmark client's CPU per task, the searchers the server's Lucene store reopened per task, and
 * the load average (the machine is shared); as each row ends, its server's process id and the row's start and end
 * (to cut per-thread CPU samples of the server by row).
 * Args: [--latency=200] [--concurrency=128] [--tasks=512] [--memory=off,read-only,read-write]
 * [--store=lucene,pgvector] [--repeats=1] [--variants=default|--some.server.setting=x ...]: each variant (server
 * arguments separated by spaces, {@code default} for none) gets a fresh server per store, in the order given, and
 * the whole sequence is repeated {@code repeats} times, so variants are measured alternately.
 */
final class TaskThroughput implements Bench.Benchmark {
    static final int CALLS_PER_TASK = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public void run(String[] argv) throws Exception {
        BenchArgs args = BenchArgs.parse(argv);
        int latency = args.integer("latency", 200);
        int concurrency = args.integer("concurrency", 128);
        int tasks = args.integer("tasks", 512);
        int repeats = args.integer("repeats", 1);
        Set<String> modes = new LinkedHashSet<>(List.of("off"));
        modes.addAll(args.strings("memory", List.of("off", "read-only", "read-write")));
        List<String> stores = args.strings("store", List.of("lucene", "pgvector"));
        List<String> variants = args.values().containsKey("variants")
                ? List.of(args.values().get("variants").split("\\|")) : List.of("default");
        List<String> questions = BenchData.deepResearcherQuestions(Integer.MAX_VALUE);
        double ideal = concurrency / (CALLS_PER_TASK * latency / 1000.0);
        System.out.printf("task throughput with memory: scripted LLM in its own JVM, L = %d ms, %d LLM calls per task, "
                + "concurrency %d, %d tasks per row, ideal %.1f tasks/s, %d cores%n", latency, CALLS_PER_TASK,
                concurrency, tasks, ideal, Runtime.getRuntime().availableProcessors());
        Rows rows = new Rows("tasks/s", "task", ideal);
        try (ScriptedLlmProcess llm = ScriptedLlmProcess.start("agent", Duration.ofMillis(latency))) {
            int next = 0;
            for (int r = 0; r < repeats; r++) {
              for (String store : stores) {
                for (String variant : variants) {
                  String label = variants.size() == 1 ? store : store + " " + variant;
                  List<String> serverArgs = variant.equals("default") ? List.of()
                          : List.of(variant.trim().split("\\s+"));
                  try (CasebookServerProcess server = CasebookServerProcess.start(store, llm.baseUrl(), serverArgs)) {
                    Round round = new Round(server, llm, concurrency);
                    round.run(questions, next, Math.max(2 * concurrency, 16), "read-write"); // warm-up, fills memory
                    next += Math.max(2 * concurrency, 16);
                    for (String mode : modes) {
                        Instant started = Instant.now();
                        rows.add(label, mode, round.run(questions, next, tasks, mode));
                        System.out.printf("row %s %s (server pid %d): %s to %s%n", label, mode, server.pid(), started,
                                Instant.now());
                        next += tasks;
                    }
                  }
                }
              }
            }
        }
        rows.print();
    }

    /** One measured round against one server: {@code tasks} tasks of one memory mode. */
    record Round(CasebookServerProcess server, ScriptedLlmProcess llm, int concurrency) {

        Rows.Measured run(List<String> questions, int first, int tasks, String mode) throws Exception {
            llm.takeCalls();
            double load = OS.getSystemLoadAverage();
            double serverCpu = server.cpuMillis();
            double refreshes = server.luceneRefreshes();
            double llmCpu = llm.cpuMillis();
            long clientCpu = OS.getProcessCpuTime();
            long started = System.nanoTime();
            Semaphore slots = new Semaphore(concurrency);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Void>> done = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                    slots.acquire();
                    String text = questions.get((first + i) % questions.size());
                    Callable<Void> call = () -> {
                        try {
                            viaApi(server.baseUrl(), text, mode);
                            return null;
                        } finally {
                            slots.release();
                        }
                    };
                    done.add(pool.submit(call));
                }
                for (Future<Void> f : done) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Rows.Measured(tasks, seconds, server.cpuMillis() - serverCpu, llm.cpuMillis() - llmCpu,
                    (OS.getProcessCpuTime() - clientCpu) / 1e6, llm.takeCalls(), load, OS.getSystemLoadAverage(),
                    server.luceneRefreshes() - refreshes);
        }
    }

    private static void viaApi(String base, String text, String mode) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer bench")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": " + JSON.writeValueAsString(text)
                        + ", \"memoryMode\": \"" + mode + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 202) {
            throw new IllegalStateException("POST /api/tasks: " + created.statusCode() + " " + created.body());
        }
        String id = JSON.readTree(created.body()).get("id").asString();
        String events = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks/" + id + "/events"))
                .header("Authorization", "Bearer bench").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!events.contains("event:end") || !events.contains("\"status\":\"answered\"")) {
            throw new IllegalStateException("task " + id + " did not end answered: " + events);
        }
    }
}
