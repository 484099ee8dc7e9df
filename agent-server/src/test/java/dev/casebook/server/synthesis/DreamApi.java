package dev.casebook.server.synthesis;

import dev.casebook.testkit.llm.LlmRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client of the running test server, with waits for tasks and dream jobs. */
record DreamApi(int port, String key) {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    DreamApi as(String otherKey) {
        return new DreamApi(port, otherKey);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Creates a dream job; fails unless the server accepted it. */
    String dream(String json) {
        Reply r = post("/api/synthesis/dreams", json);
        if (r.status() != 202) {
            throw new AssertionError("dream job refused: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }

    /** Polls a dream job until it is at rest. */
    JsonNode awaitJob(String id) {
        return await("/api/synthesis/dreams/" + id, job -> !job.get("status").asString().equals("queued")
                && !job.get("status").asString().equals("running"));
    }

    /** Polls a task until it has ended. */
    JsonNode awaitTask(String id) {
        return await("/api/tasks/" + id, task -> !task.get("status").asString().equals("queued")
                && !task.get("status").asString().equals("running"));
    }

    JsonNode await(String path, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode node = get(path).json();
            if (condition.test(node)) {
                return node;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(path + " did not get there within 180 s: " + get(path).body());
    }

    /** The events of a server-sent event stream as {@code name:data}, up to and with {@code end}. */
    List<String> events(String path) {
        List<String> events = new ArrayList<>();
        try {
            HttpResponse<InputStream> response = HTTP.send(request(path).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String event = null;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        events.add(event + ":" + line.substring(5));
                        if ("end".equals(event)) {
                            break;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("event stream " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return events;
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + b.build().uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Requests about the task whose text contains {@code marker}: the first line of the first user message. */
    static Predicate<LlmRequest> task(String marker) {
        return request -> {
            for (com.fasterxml.jackson.databind.JsonNode message : request.messages()) {
                if ("user".equals(message.path("role").asText())) {
                    String text = message.path("content").isTextual() ? message.path("content").asText()
                            : message.path("content").path(0).path("text").asText();
                    return text.lines().findFirst().orElse("").contains(marker);
                }
            }
            return false;
        };
    }
}
