package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import tools.jackson.databind.JsonNode;

/** The evaluation-run calls of the evaluation tests, over the testkit's client. */
final class EvaluationRuns {
    private EvaluationRuns() {
    }

    /**
     * Creates an evaluation run of {@code body} and reads it until it is at rest; fails unless the server accepted it
     * and it completed. Returns the run's id.
     */
    static String run(TestClient http, String body) throws InterruptedException {
        TestClient.Reply created = http.post("/api/evaluations/runs", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode run = http.await("/api/evaluations/runs/" + id, TestClient::atRest);
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("completed");
        return id;
    }
}
