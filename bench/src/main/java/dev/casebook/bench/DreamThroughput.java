package dev.casebook.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dream throughput: one dream job of the server (REST, job records in the embedded database, claims, the replay
 * buffer's retrieval with the in-process embedder, task records of every rollout) through the real agent against the
 * scripted LLM answering every call after a fixed latency L. A rollout is six calls one after the other (plan, execute
 * with a tool call, the experience model's transition, execute after it, replan with the answer, the outcome
 * verdict), so the ideal wall time is rollouts x 6L / concurrency. Before the job, real tasks with the real calculator
 * seed the replay buffer, so each simulated call retrieves grounding from it. Prints the wall time against the ideal,
 * the fraction of ideal, the overhead per rollout, the process CPU per rollout and the load average around it (the
 * machine is shared: compare fractions, not seconds). Args: [latencyMs=100] [concurrency=32] [tasks=64]
 * [rolloutsPerTask=4].
 */
final class DreamThroughput implements Bench.Benchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int CALLS_PER_ROLLOUT = 6;
    private static final int SEED_TASKS = 20;

    @Override
    public void run(String[] args) throws Exception {
        long latency = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int rollouts = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            script(llm, Duration.ofMillis(latency));
            try (ConfigurableApplicationContext server = new SpringApplicationBuilder(CasebookApplication.class).run(
                    "--server.port=0", "--spring.datasource.url=jdbc:h2:mem:dreambench;DB_CLOSE_DELAY=-1",
                    "--casebook.models.planner.base-url=" + llm.baseUrl(), "--casebook.models.planner.model=scripted",
                    "--casebook.models.planner.api-key=bench", "--casebook.models.planner.max-retries=0",
                    "--casebook.memory.store=none", "--casebook.synthesis.max-concurrency=1024",
                    "--logging.level.root=WARN")) {
                String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
                for (int i = 0; i < SEED_TASKS; i++) {
                    awaitTask(base, post(base, "/api/tasks", "{\"text\": \"Real task " + i + ": what is 6*7?\", "
                            + "\"memoryMode\": \"off\"}", 202).get("id").asString());
                }
                dream(base, 8, 1, Math.min(concurrency, 8)); // warm-up, and the buffer reads the seed tasks
                double loadBefore = OS.getSystemLoadAverage();
                long cpu = OS.getProcessCpuTime();
                long started = System.nanoTime();
                JsonNode job = dream(base, tasks, rollouts, concurrency);
                double seconds = (System.nanoTime() - started) / 1e9;
                int done = job.get("done").asInt();
                double cpuMs = (OS.getProcessCpuTime() - cpu) / 1e6 / done;
                double ideal = done * CALLS_PER_ROLLOUT * (latency / 1000.0) / concurrency;
                double working = Duration.between(instant(job, "startedAt"), instant(job, "finishedAt")).toMillis()
                        / 1000.0;
                JsonNode replay = get(base, "/api/synthesis/replay");
                System.out.printf("dream throughput: %d rollouts (%d tasks x %d), %d LLM calls each, scripted LLM "
                        + "latency L = %d ms, concurrency %d, replay buffer of %d real transitions, %d cores, load "
                        + "average %.2f before and %.2f after%n", done, tasks, rollouts, CALLS_PER_ROLLOUT, latency,
                        concurrency, replay.get("transitions").asLong(), Runtime.getRuntime().availableProcessors(),
                        loadBefore, OS.getSystemLoadAverage());
                System.out.printf("%12s %12s %10s %24s %14s %22s%n", "wall s", "ideal s", "fraction",
                        "overhead ms / rollout", "rollouts/s", "ideal rollouts/s");
                System.out.printf("%12.2f %12.2f %10.2f %24.2f %14.1f %22.1f%n", seconds, ideal, ideal / seconds,
                        (seconds - ideal) * 1000.0 * concurrency / done, done / seconds, done / ideal * 1.0);
                System.out.printf("working the items: %.2f s (%.2f of ideal); process CPU per rollout: %.2f ms "
                        + "(includes the scripted LLM server)%n", working, ideal / working, cpuMs);
            }
        }
    }

    /** Every call answers after {@code latency}: a calculator subtask, its call, the transition, the answer, 1. */
    private static void script(ScriptedLlmServer llm, Duration latency) {
        llm.when(Match.interaction("plan"))
                .reply(Reply.text("{\"subtasks\": [\"Compute 6*7 with the calculator\"]}").after(latency));
        llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7\"}").after(latency));
        llm.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("6*7 = 42").after(latency));
        llm.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}").after(latency));
        llm.when(Match.interaction("experience")).reply(Reply.text("{\"reasoning\": \"6 times 7\", \"observation\": "
                + "\"42\", \"reward\": null, \"done\": false}").after(latency));
        llm.when(Match.interaction("experience-outcome"))
                .reply(Reply.text("{\"reasoning\": \"right\", \"reward\": 1}").after(latency));
    }

    private static JsonNode dream(String base, int tasks, int rollouts, int concurrency) throws Exception {
        String texts = IntStream.range(0, tasks).mapToObj(i -> "\"Dream task " + i + " of " + tasks + ": what is 6*7?\"")
                .collect(Collectors.joining(", "));
        String id = post(base, "/api/synthesis/dreams", "{\"tasks\": [" + texts + "], \"rolloutsPerTask\": " + rollouts
                + ", \"concurrency\": " + concurrency + ", \"memoryMode\": \"off\"}", 202).get("id").asString();
        while (true) {
            JsonNode job = get(base, "/api/synthesis/dreams/" + id);
            String status = job.get("status").asString();
            if (status.equals("completed")) {
                if (job.get("rated").asInt() != job.get("total").asInt()) {
                    throw new IllegalStateException("some rollouts were not rated: " + job);
                }
                return job;
            }
            if (!status.equals("running") && !status.equals("queued")) {
                throw new IllegalStateException("dream job ended " + status + ": " + job);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitTask(String base, String id) throws Exception {
        while (true) {
            String status = get(base, "/api/tasks/" + id).get("status").asString();
            if (status.equals("answered")) {
                return;
            }
            if (!status.equals("queued") && !status.equals("running")) {
                throw new IllegalStateException("seed task " + id + " ended " + status);
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode post(String base, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(path + " refused: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode get(String base, String path) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static Instant instant(JsonNode job, String field) {
        return Instant.parse(job.get(field).asString());
    }
}
