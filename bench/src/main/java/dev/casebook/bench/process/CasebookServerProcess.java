package dev.casebook.bench.process;

import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.ReadyLine;
import dev.casebook.testkit.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;



/**
 * The Casebook server in a JVM of its own, as {@code ./casebook start} runs it, against an LLM at {@code llmBaseUrl},
 * with API key {@code bench} for tenant {@code bench}. The case store decides the database: {@code lucene} runs the
 * embedded default (H2 in memory, a fresh Lucene directory), {@code pgvector} a fresh schema of the test PostgreSQL
 * ({@code CASEBOOK_TEST_JDBC_URL}) holding records and cases, {@code none} H2 without case memory. JVM options come
 * from {@code CASEBOOK_BENCH_SERVER_OPTS} (default {@code -Xmx4g}; add {@code -XX:StartFlightRecording=...} to
 * profile), with {@code --add-modules jdk.incubator.vector} as {@code ./casebook start} adds it
 * ({@link #jvmOptions}); the server's output goes to a new {@code bench/target/logs/server-STORE-*.log}. The server
 * binds port 0 and
 * its real port is read from the line it logs when it is ready ({@code Casebook is ready: open http://...:PORT/}), so
 * no other process can take the port between choosing and binding it. Start-up may take minutes on a loaded machine:
 * it is waited for up to 15. An argument {@code @classpath=FILE} is not passed to the server:
 * the server then runs on the class path written in FILE (colon-separated, as {@code dependency:build-classpath}
 * writes it) instead of the benchmark's, so two builds of the server can be measured alternately in one run.
 */
public final class CasebookServerProcess implements AutoCloseable {
    /** The line {@code StartupBanner} logs once the web server listens; group 1 is the port it listens on. */

    private final ChildJvm jvm;
    private final String baseUrl;
    private final TestPostgres.Schema schema;

    private CasebookServerProcess(ChildJvm jvm, String baseUrl, TestPostgres.Schema schema) {
        this.jvm = jvm;
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    public static CasebookServerProcess start(String store, String llmBaseUrl, List<String> extraArgs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--logging.level.dev.casebook.server.status.StartupBanner=INFO",
                "--casebook.models.planner.base-url=" + llmBaseUrl, "--casebook.models.planner.model=scripted",
                "--casebook.models.planner.api-key=bench", "--casebook.models.planner.max-retries=0",
                "--casebook.tasks.instance-id=bench", "--logging.level.root=WARN",
                "--casebook.security.enabled=true", "--casebook.security.api-keys[0].tenant=bench",
                "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256("bench")));
        TestPostgres.Schema schema = null;
        switch (store) {
            case "pgvector" -> {
                schema = TestPostgres.get().newSchema("perfbench");
                args.addAll(List.of("--spring.datasource.url=" + schema.url(),
                        "--spring.datasource.username=" + schema.user(),
                        "--spring.datasource.password=" + schema.password(), "--spring.flyway.schemas=" + schema.name(),
                        "--casebook.memory.store=pgvector"));
            }
            case "lucene" -> {
                Path dir = Files.createTempDirectory("casebook-bench-cases");
                args.addAll(List.of("--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1",
                        "--casebook.memory.store=lucene", "--casebook.memory.dir=" + dir));
            }
            case "none" -> args.addAll(List.of("--spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1",
                    "--casebook.memory.store=none"));
            default -> throw new IllegalArgumentException("store must be lucene, pgvector or none, was " + store);
        }
        String classPath = System.getProperty("java.class.path");
        for (String extra : extraArgs) {
            if (extra.startsWith("@classpath=")) {
                classPath = Files.readString(Path.of(extra.substring("@classpath=".length()))).strip();
            } else {
                args.add(extra);
            }
        }
        List<String> options = jvmOptions(System.getenv().getOrDefault("CASEBOOK_BENCH_SERVER_OPTS", "-Xmx4g"));
        Path logs = Files.createDirectories(Path.of("bench", "target", "logs"));
        Path log = Files.createTempFile(logs, "server-" + store + "-", ".log");
        ChildJvm jvm = ChildJvm.start("Casebook server (" + store + ")",
                options,
                "dev.casebook.server.CasebookApplication", args, log, classPath);
        String base = awaitHealthy(jvm, log);
        return new CasebookServerProcess(jvm, base, schema);
    }

    /**
     * The server's JVM options: {@code configured} ({@code CASEBOOK_BENCH_SERVER_OPTS}, split at white space) with
     * {@code --add-modules jdk.incubator.vector} first unless it names that module already, as {@code ./casebook start}
     * always runs the server: without it Lucene scores vectors without SIMD (its scalar fallback), and the benchmark
     * would measure a slower server than the one users run.
     */
    static List<String> jvmOptions(String configured) {
        List<String> options = new ArrayList<>(
                Arrays.stream(configured.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        if (options.stream().noneMatch(option -> option.contains("jdk.incubator.vector"))) {
            options.addAll(0, List.of("--add-modules", "jdk.incubator.vector"));
        }
        return options;
    }

    /** Waits for the ready line in the server's log, then for its health; returns its base URL. */
    private static String awaitHealthy(ChildJvm jvm, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        String base = null;
        while (System.nanoTime() < deadline) {
            jvm.requireAlive();
            if (base == null) {
                OptionalInt port = ReadyLine.port(Files.readString(log));
                if (port.isEmpty()) {
                    Thread.sleep(250);
                    continue;
                }
                base = "http://127.0.0.1:" + port.getAsInt();
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return base;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(jvm + (base == null ? " logged no ready line" : " did not become healthy")
                + " within 15 minutes (see " + log + ")");
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The searchers the server's Lucene case store reopened so far ({@code casebook.memory.lucene.refreshes} from
     * {@code /actuator/metrics}); NaN when the server does not report it (pgvector, or a build before the metric).
     */
    public double luceneRefreshes() throws IOException, InterruptedException {
        HttpResponse<String> metric = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/actuator/metrics/casebook.memory.lucene.refreshes"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher value = METRIC_VALUE.matcher(metric.body());
        return metric.statusCode() == 200 && value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
    }

    private static final Pattern METRIC_VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");

    /** The server JVM's process id (to sample its threads from outside). */
    public long pid() {
        return jvm.process().pid();
    }

    public double cpuMillis() {
        jvm.requireAlive();
        return jvm.cpuMillis();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            jvm.close();
        } finally {
            if (schema != null) {
                schema.drop();
            }
        }
    }
}
