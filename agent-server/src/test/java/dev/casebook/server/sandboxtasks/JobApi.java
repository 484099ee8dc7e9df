package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** The running test server's API as one tenant (its key) calls it, with the waits the job tests need. */
record JobApi(int port, String key, ScriptedLlmServer llm) {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return Scripts.JSON.readTree(body);
        }
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key);
    }

    Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a job; fails unless the answer is 202. */
    String createJob(String json) {
        Response reply = post("/api/synthesis/sandbox-tasks", json);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("id").asString();
    }

    JsonNode job(String id) {
        return get("/api/synthesis/sandbox-tasks/" + id).json();
    }

    JsonNode results(String id) {
        return get("/api/synthesis/sandbox-tasks/" + id + "/results").json();
    }

    JsonNode awaitJob(String id, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = job(id);
            if (condition.test(job)) {
                return job;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + id + " did not get there: " + results(id) + "\nunmatched LLM requests: "
                + llm.unmatched().stream().map(LlmRequest::allText).toList());
    }

    JsonNode awaitCompleted(String id) throws InterruptedException {
        return awaitJob(id, job -> job.get("status").asString().equals("completed"));
    }
}
