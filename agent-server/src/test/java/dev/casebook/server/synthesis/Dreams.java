package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;

import dev.casebook.testkit.http.TestClient;
import tools.jackson.databind.JsonNode;

/** The dream-job calls and waits of the synthesis tests, over the testkit's client. */
final class Dreams {
    private Dreams() {
    }

    /** Creates a dream job; fails unless the server accepted it. */
    static String start(TestClient api, String json) {
        TestClient.Reply r = api.post("/api/synthesis/dreams", json);
        if (r.status() != 202) {
            throw new AssertionError("dream job refused: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }

    /** Reads a dream job until it is at rest (neither queued nor running). */
    static JsonNode awaitJob(TestClient api, String id) {
        return api.await("/api/synthesis/dreams/" + id, TestClient::atRest);
    }

}
