package dev.casebook.server.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client of the running test server's {@code /v1} and {@code /api}, with one API key. */
record V1(int port, String key) {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Reply(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        /** The OpenAI error object; fails when the body is not one. */
        JsonNode error() {
            JsonNode error = json().path("error");
            if (!error.isObject()) {
                throw new AssertionError("not an OpenAI error: " + status + " " + contentType + " " + body);
            }
            return error;
        }
    }

    V1 as(String otherKey) {
        return new V1(port, otherKey);
    }

    Reply get(String path) {
        return send(request(path).GET());
    }

    Reply post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, JsonNode json) {
        return post(path, JSON.writeValueAsString(json));
    }

    /** The {@code data:} payloads of a streamed completion, read to its end. */
    List<String> stream(JsonNode body) {
        try {
            HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(request("/v1/chat/completions")
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw new AssertionError("stream answered " + r.statusCode() + ": " + String.join("\n",
                        r.body().toList()));
            }
            List<String> data = new ArrayList<>();
            r.body().forEach(line -> {
                if (line.startsWith("data: ")) {
                    data.add(line.substring("data: ".length()));
                }
            });
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120));
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls a task until it has ended (60 s at most). */
    JsonNode awaitEnd(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode task = get("/api/tasks/" + id).json();
            String status = task.path("status").asString();
            if (!status.equals("queued") && !status.equals("running")) {
                return task;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("task " + id + " did not end within 180 s");
    }
}
