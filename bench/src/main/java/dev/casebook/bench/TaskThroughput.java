package dev.casebook.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Task throughput through the API: tasks submitted with {@code POST /api/tasks} and followed to their {@code end}
 * event ({@code GET /api/tasks/{id}/events}) on the server running in this JVM, so every task goes through the
 * task queue (claim, fenced step writes, outcome) and the run records, in the embedded H2 or in PostgreSQL. The
 * agent is the real one against the scripted LLM of {@code agent-throughput} (4 calls of latency L per task); the
 * baseline, measured in the same run, is the agent bean called directly at the same concurrency. Prints tasks/s of
 * both, their ratio, and the process CPU per task of both (the machine is shared: compare the ratio and the CPU, not
 * absolute rates). Each side first runs an untimed warm-up round.
 * Args: [latencyMs=200] [concurrency=128] [tasks=512] [database=h2|postgresql].
 */
final class TaskThroughput implements Bench.Benchmark {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Override
    public void run(String[] args) throws Exception {
        long latency = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        String database = args.length > 3 ? args[3] : "h2";
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            Duration l = Duration.ofMillis(latency);
            llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"compute 6*7\"]}").after(l));
            llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                    .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7\"}").after(l));
            llm.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("42").after(l));
            llm.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"42\"}").after(l));
            List<String> argv = new ArrayList<>(List.of("--server.port=0",
                    "--casebook.models.planner.base-url=" + llm.baseUrl(), "--casebook.models.planner.model=scripted",
                    "--casebook.models.planner.api-key=bench", "--casebook.memory.store=none",
                    "--casebook.tasks.instance-id=bench", "--logging.level.root=WARN"));
            TestPostgres.Schema schema = null;
            if (database.equals("postgresql")) {
                schema = TestPostgres.get().newSchema("taskbench");
                argv.addAll(List.of("--spring.datasource.url=" + schema.url(),
                        "--spring.datasource.username=" + schema.user(),
                        "--spring.datasource.password=" + schema.password(), "--spring.flyway.schemas=" + schema.name(),
                        "--casebook.security.enabled=true", "--casebook.security.api-keys[0].tenant=bench",
                        "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256("bench")));
            } else {
                argv.add("--spring.datasource.url=jdbc:h2:mem:taskbench;DB_CLOSE_DELAY=-1");
            }
            try (ConfigurableApplicationContext server = new SpringApplicationBuilder(CasebookApplication.class)
                    .run(argv.toArray(String[]::new))) {
                String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
                Agent agent = server.getBean(Agent.class);
                int warmUp = Math.max(2 * concurrency, 16);
                rounds(concurrency, warmUp, n -> agentAlone(agent, n));
                double[] alone = rounds(concurrency, tasks, n -> agentAlone(agent, n));
                rounds(concurrency, warmUp, n -> viaApi(base, n));
                double[] api = rounds(concurrency, tasks, n -> viaApi(base, n));
                System.out.printf("task throughput, scripted LLM latency L = %d ms, 4 LLM calls per task, "
                        + "concurrency %d, %d tasks, %s, load average %.2f%n", latency, concurrency, tasks, database,
                        OS.getSystemLoadAverage());
                System.out.printf("%-28s %10s %16s%n", "", "tasks/s", "cpu ms / task");
                System.out.printf("%-28s %10.1f %16.2f%n", "agent alone (baseline)", alone[0], alone[1]);
                System.out.printf("%-28s %10.1f %16.2f%n", "POST /api/tasks + events", api[0], api[1]);
                System.out.printf("%-28s %10.2f %16.2f%n", "ratio to the baseline", api[0] / alone[0],
                        api[1] / alone[1]);
            } finally {
                if (schema != null) {
                    schema.drop();
                }
            }
        }
    }

    /** Task {@code n} of a round; returns when it ended answered. */
    private interface OneTask {
        void run(int n) throws Exception;
    }

    /** Runs {@code tasks} tasks, at most {@code concurrency} at once: {tasks/s, process CPU ms per task}. */
    private static double[] rounds(int concurrency, int tasks, OneTask task) throws Exception {
        long cpu = OS.getProcessCpuTime();
        long started = System.nanoTime();
        Semaphore slots = new Semaphore(concurrency);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> done = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                slots.acquire();
                int n = i;
                Callable<Void> call = () -> {
                    try {
                        task.run(n);
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
        return new double[] {tasks / seconds, (OS.getProcessCpuTime() - cpu) / 1e6 / tasks};
    }

    private static void agentAlone(Agent agent, int n) {
        Outcome outcome = agent.run(new TaskSpec(UUID.randomUUID().toString(), "bench", "What is 6*7? (" + n + ")",
                List.of(), MemoryMode.OFF, null, Budgets.DEFAULT, "", null, null), step -> { });
        if (!(outcome instanceof Outcome.Answered)) {
            throw new IllegalStateException("the agent did not answer: " + outcome);
        }
    }

    private static void viaApi(String base, int n) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer bench")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"text\": \"What is 6*7? (" + n + ")\", \"memoryMode\": \"off\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 202) {
            throw new IllegalStateException("POST /api/tasks: " + created.statusCode() + " " + created.body());
        }
        String id = created.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String events = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/tasks/" + id + "/events"))
                .header("Authorization", "Bearer bench").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!events.contains("event:end") || !events.contains("\"status\":\"answered\"")) {
            throw new IllegalStateException("task " + id + " did not end answered: " + events);
        }
    }
}
