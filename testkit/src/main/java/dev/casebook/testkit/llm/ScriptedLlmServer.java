package dev.casebook.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An OpenAI-compatible chat-completions server for tests: the one fake at the LLM boundary. It listens on a
 * loopback port, answers {@code POST /v1/chat/completions} by scripted rules and {@code GET /v1/models} with one
 * model, records every request, and can inject latency, HTTP errors (429/500), hangs (client time-outs), malformed
 * tool-call arguments and calls of tools that do not exist. It replies in the shapes real servers use: reasoning in
 * {@code reasoning_content} / {@code reasoning} fields or {@code <think>} blocks, tool calls with string or object
 * arguments, several calls, tool calls written in the text, {@code finish_reason: length}, no {@code usage},
 * context-window errors, refusals of {@code response_format} types, and streaming ({@code "stream": true}: server-sent
 * events, deltas of reasoning, text and tool calls, usage in a last chunk when {@code stream_options.include_usage}
 * asks for it) — as the server it imitates ({@link #imitate(ServerShape)}) would.
 *
 * <p>Rules are tried in the order they were added; the first whose predicate matches and that has uses left answers.
 * A rule with several replies gives them in turn and repeats its last one. A request that no rule matches gets HTTP
 * 400 with the message {@code ScriptedLlmServer: no rule matched ...} (not retried by clients, so the test fails
 * at once and says why) and is listed in {@link #unmatched()}. Each reply carries {@code usage} tokens: by default
 * an estimate of a quarter of the characters sent and returned, or fixed by {@link #fixedUsage(int, int)}.
 *
 * <p>Casebook's start-up capability probes (header {@code X-Casebook-Interaction: probe}) are answered by the server
 * itself, as a real server with its configured refusals would, before any rule: they never use a scripted reply and
 * are listed by {@link #probes()}, not {@link #requests()}.
 *
 * <pre>{@code
 * try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
 *     llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\":[\"compute 17*23\"]}"));
 *     llm.when(Match.hasTools().and(Match.afterToolResult().negate()))
 *        .times(1).reply(Reply.rateLimited());                       // first executor call: 429
 *     llm.when(Match.hasTools().and(Match.afterToolResult().negate()))
 *        .reply(Reply.toolCall("calculator", "{\"expression\":\"17*23\"}").after(Duration.ofMillis(50)));
 *     llm.when(Match.afterToolResult()).reply(Reply.text("391"));
 *     llm.when(Match.interaction("answer")).reply(Reply.text("FINAL ANSWER: 391"));
 *
 *     OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(llm.baseUrl()).apiKey("test").modelName("m").build();
 *     ...
 *     assertThat(llm.requests(Match.interaction("plan")).getFirst().lastUserMessage()).contains("17*23");
 * }
 * }</pre>
 *
 * <p>Thread-safe; every request is handled on its own virtual thread, so hundreds of concurrent slow replies cost
 * no platform threads.
 */
public final class ScriptedLlmServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String MODEL = "scripted-model";
    /** The interaction name of Casebook's start-up capability probes. */
    public static final String PROBE = "probe";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Rules rules = new Rules();
    private final RequestLog log = new RequestLog();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile int[] fixedUsage;
    private volatile ServerShape shape;
    private volatile Set<String> refusedFormats = Set.of();
    private volatile String toolsRefusal;
    private volatile Integer contextWindow;

    static {
        // The JDK server closes keep-alive connections beyond 200 idle ones, and a client that reuses a closed one
        // fails ("header parser received no bytes"): allow many, for tests and benchmarks with hundreds of tasks.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        }
    }

    private ScriptedLlmServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server on a free loopback port. */
    public static ScriptedLlmServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            return new ScriptedLlmServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the scripted LLM server on a loopback port", e);
        }
    }

    /** The OpenAI-style base URL, e.g. {@code http://127.0.0.1:43123/v1}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts a rule for requests matching {@code predicate}; finish it with {@link RuleBuilder#reply(Reply)}. */
    public RuleBuilder when(Predicate<LlmRequest> predicate) {
        return new RuleBuilder(predicate);
    }

    /** Every reply reports these token counts instead of the estimate. */
    public ScriptedLlmServer fixedUsage(int promptTokens, int completionTokens) {
        this.fixedUsage = new int[] {promptTokens, completionTokens};
        return this;
    }

    /**
     * Replies from now on as a server of this shape does: reasoning where it puts it, its refusals of
     * {@code response_format} types. Errors scripted with {@link Reply#contextWindowExceeded(ServerShape)} carry
     * its error body.
     */
    public ScriptedLlmServer imitate(ServerShape shape) {
        this.shape = shape;
        this.refusedFormats = shape.refusedFormats();
        return this;
    }

    /** Requests with {@code response_format} of these types ({@code json_schema}, {@code json_object}) get HTTP 400. */
    public ScriptedLlmServer refuseResponseFormat(String... types) {
        this.refusedFormats = Set.of(types);
        return this;
    }

    /** Requests offering tools get HTTP 400 with this message (as Ollama says a model "does not support tools"). */
    public ScriptedLlmServer refuseTools(String message) {
        this.toolsRefusal = message;
        return this;
    }

    /** {@code GET /v1/models} reports this context window for the model ({@code max_model_len}, as vLLM does). */
    public ScriptedLlmServer contextWindow(int tokens) {
        this.contextWindow = tokens;
        return this;
    }

    /** Casebook's start-up capability probes received, in arrival order. */
    public List<LlmRequest> probes() {
        return log.probes();
    }

    /** All requests received, in arrival order (chat completions and model listings). */
    public List<LlmRequest> requests() {
        return log.requests();
    }

    /** The chat-completion requests matching {@code predicate}, in arrival order. */
    public List<LlmRequest> requests(Predicate<LlmRequest> predicate) {
        return log.requests(predicate);
    }

    /** Chat-completion requests that no rule matched. */
    public List<LlmRequest> unmatched() {
        return log.unmatched();
    }

    /** Waits until at least {@code count} chat-completion requests arrived; false on time-out. */
    public boolean awaitRequests(int count, Duration timeout) throws InterruptedException {
        return log.awaitRequests(count, timeout);
    }

    /** Forgets all rules and recorded requests; the port stays. */
    public void reset() {
        rules.clear();
        log.clear();
        fixedUsage = null;
        shape = null;
        refusedFormats = Set.of();
        toolsRefusal = null;
        contextWindow = null;
    }

    /** Stops the server; hanging replies are released (their connections close without an answer). */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** A rule under construction. */
    public final class RuleBuilder {
        private final Predicate<LlmRequest> predicate;
        private int times = Integer.MAX_VALUE;

        private RuleBuilder(Predicate<LlmRequest> predicate) {
            this.predicate = predicate;
        }

        /** The rule answers at most {@code count} requests, then lets later rules answer. */
        public RuleBuilder times(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("times must be at least 1, was " + count);
            }
            this.times = count;
            return this;
        }

        /** Adds the rule: it gives these replies in turn, repeating the last. */
        public ScriptedLlmServer reply(Reply first, Reply... more) {
            List<Reply> replies = new ArrayList<>();
            replies.add(first);
            replies.addAll(List.of(more));
            rules.add(predicate, replies, times);
            return ScriptedLlmServer.this;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            LlmRequest request = log.record(exchange, path);
            if (path.endsWith("/models") && "GET".equals(exchange.getRequestMethod())) {
                send(exchange, 200, models());
            } else if (path.endsWith("/chat/completions") && "POST".equals(exchange.getRequestMethod())) {
                answer(exchange, request);
            } else {
                send(exchange, 404, error("ScriptedLlmServer: no endpoint " + exchange.getRequestMethod() + " "
                        + path + " (only POST /v1/chat/completions and GET /v1/models)", "not_found"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            send(exchange, 500, error("ScriptedLlmServer failed: " + e, "scripted_server_error"));
        } finally {
            exchange.close();
        }
    }

    private void answer(HttpExchange exchange, LlmRequest request) throws IOException, InterruptedException {
        String refusal = refusal(request);
        if (refusal != null) {
            send(exchange, 400, refusal);
            return;
        }
        Reply reply = PROBE.equals(request.interaction()) ? Reply.text("{}") : rules.choose(request);
        if (reply == null) {
            log.unmatched(request);
            send(exchange, 400, error("ScriptedLlmServer: no rule matched request #" + request.index()
                    + " (interaction '" + request.interaction() + "', last user message: '"
                    + abbreviate(request.lastUserMessage()) + "')", "unscripted_request"));
            return;
        }
        while (reply instanceof Reply.Dynamic || reply instanceof Reply.Held) {
            if (reply instanceof Reply.Held held) {
                hold(held.gate());
                reply = held.reply();
            } else if (reply instanceof Reply.Dynamic dynamic) {
                pause(dynamic.delay());
                reply = dynamic.function().apply(request);
            }
        }
        pause(reply.delay());
        switch (reply) {
            case Reply.Completion completion -> {
                if (request.body().path("stream").asBoolean(false)) {
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        writer().stream(out, request, completion);
                    }
                } else {
                    send(exchange, 200, writer().completion(request, completion));
                }
            }
            case Reply.Status status -> send(exchange, status.status(), status.body() != null ? status.body()
                    : JSON.writeValueAsString(error(status.message(),
                            status.status() == 429 ? "rate_limit_exceeded" : "server_error")));
            case Reply.Hang hang -> closed.await();
            case Reply.Dynamic dynamic -> throw new IllegalStateException("unreachable");
            case Reply.Held held -> throw new IllegalStateException("unreachable");
        }
    }

    private CompletionWriter writer() {
        return new CompletionWriter(shape, fixedUsage, ids);
    }

    /** The body of HTTP 400 for a request the server refuses (a refused response_format type, tools); else null. */
    private String refusal(LlmRequest request) throws IOException {
        String format = request.body().path("response_format").path("type").asText("");
        if (!format.isEmpty() && refusedFormats.contains(format)) {
            return shape != null ? shape.formatRefusalBody(format) : JSON.writeValueAsString(
                    error("response_format type '" + format + "' is not supported by this server", "unsupported"));
        }
        if (toolsRefusal != null && request.hasTools()) {
            return JSON.writeValueAsString(error(toolsRefusal, "unsupported"));
        }
        return null;
    }

    /** Waits until the gate opens; throws when the server closes first (the connection closes without an answer). */
    private void hold(Gate gate) throws InterruptedException {
        while (!gate.await(Duration.ofMillis(100))) {
            if (closed.getCount() == 0) {
                throw new InterruptedException("server closed");
            }
        }
    }

    private void pause(Duration delay) throws InterruptedException {
        if (!delay.isZero() && closed.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new InterruptedException("server closed");
        }
    }

    private ObjectNode models() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ObjectNode model = root.putArray("data").addObject()
                .put("id", MODEL).put("object", "model").put("created", 0).put("owned_by", "casebook-testkit");
        if (contextWindow != null) {
            model.put("max_model_len", contextWindow);
        }
        return root;
    }

    private static ObjectNode error(String message, String code) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", "invalid_request_error").put("code", code);
        return root;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
