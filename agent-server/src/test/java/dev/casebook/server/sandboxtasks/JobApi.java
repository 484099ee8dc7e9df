package dev.casebook.server.sandboxtasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** The sandbox-task job calls and waits of the job tests, as one tenant ({@code http}'s key) makes them. */
record JobApi(TestClient http, ScriptedLlmServer llm) {
    /** Creates a job; fails unless the answer is 202. */
    String createJob(String json) {
        TestClient.Reply reply = http.post("/api/synthesis/sandbox-tasks", json);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().get("id").asString();
    }

    JsonNode job(String id) {
        return http.get("/api/synthesis/sandbox-tasks/" + id).json();
    }

    JsonNode results(String id) {
        return http.get("/api/synthesis/sandbox-tasks/" + id + "/results").json();
    }

    /** Reads the job until {@code condition} holds; a failure shows its results and the unmatched LLM requests. */
    JsonNode awaitJob(String id, Predicate<JsonNode> condition) {
        try {
            return eventually("job " + id + " to get there", () -> job(id), condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nresults: " + results(id) + "\nunmatched LLM requests: "
                    + llm.unmatched().stream().map(LlmRequest::allText).toList(), e);
        }
    }

    JsonNode awaitCompleted(String id) {
        return awaitJob(id, job -> job.get("status").asString().equals("completed"));
    }
}
