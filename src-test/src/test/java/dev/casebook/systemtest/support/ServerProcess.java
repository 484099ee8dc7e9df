package dev.casebook.systemtest.support;

import static dev.casebook.testkit.Eventually.eventually;

import dev.casebook.testkit.ReadyLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;



/**
 * The built Casebook server (the {@code agent-server} exec jar) running as a separate Java process, the way a
 * person runs it: its own port, its own data directory, its own log file.
 *
 * <pre>{@code
 * try (ServerProcess server = ServerProcess.builder("chat")
 *         .property("casebook.models.base-url", llm.baseUrl())
 *         .start()) {
 *     HttpResponse<String> r = server.get("/api/status");
 * }
 * }</pre>
 *
 * <p>Unless a {@link Builder#port(int) port} is given the server binds port 0 and its real port is read from the line
 * it logs when it is ready ({@code Casebook is ready: open http://...:PORT/}), so no other process can take the port
 * between choosing and binding it. {@link Builder#start()} returns once {@code /actuator/health} answers {@code UP};
 * when the process exits or does not become healthy in time it fails with the end of the server's log in the message.
 * {@link #startTogether} starts several servers at once (their start-ups overlap). {@link #close()} stops it
 * gracefully (then forcibly); {@link #kill()} is {@code kill -9} for crash tests. The log is kept under
 * {@code target/server-logs/} for the failsafe report.
 */
public final class ServerProcess implements AutoCloseable {
    /** The system property failsafe sets to the exec jar (see src-test's pom). */
    public static final String JAR_PROPERTY = "casebook.server.jar";
    private static final Path LOG_DIR = Path.of("target", "server-logs");
    /** The line {@code StartupBanner} logs once the web server listens; group 1 is the port it listens on. */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private volatile int port; // 0 until read from the ready line
    private final Path dataDir;
    private final Path log;
    private final Process process;
    private final Thread shutdownHook;

    private ServerProcess(String name, int port, Path dataDir, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
        this.shutdownHook = new Thread(this::killQuietly, "kill-casebook-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A server named {@code name} (used for its log file and data directory). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The port the server listens on (known once it is started). */
    public int port() {
        if (port == 0) {
            throw new IllegalStateException("the " + name + " server has not said its port yet");
        }
        return port;
    }

    /** {@code http://127.0.0.1:PORT} without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** {@code baseUrl() + path}. */
    public URI uri(String path) {
        return URI.create(baseUrl() + (path.startsWith("/") ? path : "/" + path));
    }

    /** The temporary directory the server keeps its files in (also its working directory). */
    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return log;
    }

    /** Everything the server has logged so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** A GET without an {@code Accept} header (JSON from the API, HTML from pages). */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A POST of a JSON body. */
    public HttpResponse<String> postJson(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Sends any request built against {@link #uri(String)}, with a 30 s timeout. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + name + " server failed; log tail:\n" + logTail(40), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the " + name + " server", e);
        }
    }

    /** {@code kill -9}: the process and its children die at once, without shutdown hooks. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** Graceful stop (SIGTERM), then {@link #kill()} after 20 seconds. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!awaitExit(Duration.ofSeconds(20))) {
            kill();
        }
    }

    private void killQuietly() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(Duration timeout) {
        try {
            eventually("the " + name + " server to be healthy", timeout, this::health,
                    health -> health.startsWith("200 ") && health.contains("\"UP\""));
        } catch (AssertionError notHealthy) {
            killQuietly();
            throw new IllegalStateException("the %s server was not healthy after %s (%s); log tail:\n%s"
                    .formatted(name, timeout, notHealthy.getMessage(), logTail(60)), notHealthy);
        }
    }

    /**
     * One look at the starting server: its health endpoint's status and body, or why there is none yet (no ready line
     * in the log, not listening); fails at once when the process exited.
     */
    private String health() throws InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the %s server exited with code %d before it was healthy; log tail:\n%s"
                    .formatted(name, process.exitValue(), logTail(60)));
        }
        if (port == 0) {
            OptionalInt ready = ReadyLine.port(logText());
            if (ready.isEmpty()) {
                return "no ready line in the log yet";
            }
            port = ready.getAsInt();
        }
        try {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/actuator/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return health.statusCode() + " " + health.body();
        } catch (IOException notYetListening) {
            return notYetListening.toString();
        }
    }

    /** Finds the exec jar: the {@value #JAR_PROPERTY} property, else {@code ../agent-server/target/*-exec.jar}. */
    public static Path serverJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        Path target = Path.of("..", "agent-server", "target").toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "casebook-agent-server-*-exec.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not list " + target, e);
            }
        }
        throw new IllegalStateException("no server exec jar: %s=%s and nothing matches %s/casebook-agent-server-*-exec.jar; "
                .formatted(JAR_PROPERTY, configured, target)
                + "build it first (./mvnw -pl src-test -am verify builds agent-server before these tests)");
    }

    /**
     * Starts all the servers at once and waits until each is healthy; their start-ups overlap, which on a machine with
     * more than one core takes less time than starting them one after the other. If one fails, all are stopped.
     */
    public static List<ServerProcess> startTogether(Builder... builders) {
        List<ServerProcess> servers = new ArrayList<>();
        try {
            for (Builder builder : builders) {
                servers.add(builder.launch());
            }
            for (int i = 0; i < servers.size(); i++) {
                servers.get(i).awaitHealthy(builders[i].startTimeout);
            }
            return List.copyOf(servers);
        } catch (RuntimeException e) {
            servers.forEach(ServerProcess::close);
            throw e;
        }
    }

    /** What to start: properties become {@code --key=value} arguments, env is added to the process environment. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        // C1 only and the serial collector: a test server starts about a quarter sooner with SerialGC than with G1
        // (measured alternately, two servers each way); CDS (-XX:+AutoCreateSharedArchive) gained nothing on the
        // Spring Boot fat jar, whose nested jars' classes it cannot archive
        private final List<String> jvmArgs = new ArrayList<>(
                List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        private Duration startTimeout = Duration.ofSeconds(300); // a loaded machine starts a server slowly
        private Path dataDir;
        private int port;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("server name must be letters, digits, '.', '_' or '-': " + name);
            }
            this.name = name;
        }

        /** A Spring property, passed as {@code --key=value} (wins over application.yaml and env). */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** An environment variable of the server process. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** The data directory (default: a new temporary one). Reuse one to restart a server on the same data. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** A fixed port (default: 0, whichever free port the server gets; {@link ServerProcess#port()} tells it). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** Starts the server and waits until it is healthy. */
        public ServerProcess start() {
            ServerProcess server = launch();
            try {
                server.awaitHealthy(startTimeout);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        }

        /** Starts the process without waiting for it. */
        private ServerProcess launch() {
            try {
                Path dir = dataDir != null ? Files.createDirectories(dataDir)
                        : Files.createTempDirectory("casebook-" + name + "-");
                Files.createDirectories(LOG_DIR);
                Path log = Files.createTempFile(LOG_DIR, name + "-", ".log").toAbsolutePath();

                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmArgs);
                command.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
                command.add("-jar");
                command.add(serverJar().toString());
                Map<String, String> args = new LinkedHashMap<>();
                args.put("server.port", String.valueOf(port));
                args.put("server.address", "127.0.0.1");
                args.put("casebook.data-dir", dir.toString());
                args.putAll(properties);
                args.forEach((k, v) -> command.add("--" + k + "=" + v));

                ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
                pb.environment().put("CASEBOOK_DATA_DIR", dir.toString());
                pb.environment().putAll(env);
                Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                return new ServerProcess(name, port, dir, log, pb.start());
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the " + name + " server", e);
            }
        }
    }
}
