package dev.casebook.testkit.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What a {@link ScriptedLlmServer} received, in arrival order: the requests, Casebook's start-up capability probes
 * (numbered apart, so that the work's indexes match its position in {@link #requests()}), and the chat-completion
 * requests no rule matched. Thread-safe.
 */
final class RequestLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<LlmRequest> requests = new CopyOnWriteArrayList<>();
    private final List<LlmRequest> unmatched = new CopyOnWriteArrayList<>();
    private final List<LlmRequest> probes = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger probeCounter = new AtomicInteger();

    /** Reads the exchange's headers and JSON body and records the request (as a probe when it is one). */
    LlmRequest record(HttpExchange exchange, String path) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values.getFirst());
            }
        });
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            body = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
        }
        boolean probe = ScriptedLlmServer.PROBE.equals(headers.get("x-casebook-interaction"));
        LlmRequest request = new LlmRequest((probe ? probeCounter : counter).getAndIncrement(), path, headers, body,
                Instant.now());
        (probe ? probes : requests).add(request);
        synchronized (this) {
            notifyAll(); // wakes awaitRequests
        }
        return request;
    }

    /**
     * Waits until at least {@code count} chat-completion requests arrived, woken by each arrival ({@link #record});
     * false when {@code timeout} passed first.
     */
    synchronized boolean awaitRequests(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests(request -> true).size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    void unmatched(LlmRequest request) {
        unmatched.add(request);
    }

    List<LlmRequest> probes() {
        return List.copyOf(probes);
    }

    List<LlmRequest> requests() {
        return List.copyOf(requests);
    }

    /** The chat-completion requests matching {@code predicate}. */
    List<LlmRequest> requests(Predicate<LlmRequest> predicate) {
        return requests.stream().filter(LlmRequest::isChatCompletion).filter(predicate).toList();
    }

    List<LlmRequest> unmatched() {
        return List.copyOf(unmatched);
    }

    void clear() {
        requests.clear();
        unmatched.clear();
        probes.clear();
        counter.set(0);
        probeCounter.set(0);
    }
}
