package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A server with no chat model, no judge and no case memory: a client's mistake is still a 400 naming it (the request
 * is checked before what the server lacks), and only a good request it cannot run is a 503 saying what is missing.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:nomodelrequests;DB_CLOSE_DELAY=-1",
                "casebook.memory.store=none"})
class NoModelRequestsIT {
    private static final String JUDGE_LINE = "{\"id\": \"1\", \"prediction\": \"x\", \"gold\": \"x\", \"scorer\": \"judge\"}";

    @LocalServerPort
    int port;

    private TestClient client() {
        return new TestClient(port);
    }

    private static void assertProblem(TestClient.Reply reply, int status, String detail) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.toString()).startsWith("application/problem+json");
        assertThat(reply.detail()).as(reply.toString()).contains(detail);
    }

    private String dataset() {
        TestClient.Reply uploaded = client().upload("/api/evaluations/datasets", "birds.jsonl",
                "{\"id\": \"q1\", \"question\": \"Which bird is the fastest diver?\", \"answers\": [\"falcon\"]}\n");
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        return uploaded.json().get("dataset").asString();
    }

    @Test
    void a_client_mistake_is_a_400_naming_it_although_no_model_is_configured() {
        String dataset = dataset();
        assertProblem(client().post("/api/evaluations/runs", "{\"dataset\": \" \"}"), 400,
                "field 'dataset' is required");
        assertProblem(client().post("/api/evaluations/runs", "{\"dataset\": \"" + dataset + "\", \"attempts\": 0}"),
                400, "field 'attempts' must be within [1, 100], was 0");
        assertProblem(client().post("/api/evaluations/runs", "{\"dataset\": \"" + dataset + "\", "
                + "\"scorers\": [\"rouge\"]}"), 400, "rouge");
        assertProblem(client().post("/api/synthesis/dreams", "{\"tasks\": [\"Which bird?\"], \"rolloutsPerTask\": 0,"
                + " \"memoryMode\": \"off\"}"), 400, "field 'rolloutsPerTask' must be within [1, 100], was 0");
        assertProblem(client().post("/api/synthesis/sandbox-tasks", "{\"domain\": \" \"}"), 400,
                "field 'domain' is required");
        assertProblem(client().post("/api/evaluations/score", "application/x-ndjson", JUDGE_LINE
                + "\n{\"id\": \"2\", \"prediction\": \"x\", \"gold\": \"x\", \"scorer\": \"rouge\"}\n"), 400,
                "line 2: unknown scorer 'rouge'");
        assertProblem(client().post("/api/tasks", "{\"text\": \" \"}"), 400, "field 'text' must not be empty");

        TestClient.Reply embeddings = client().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", "
                + "\"input\": []}");
        assertThat(embeddings.status()).as(embeddings.toString()).isEqualTo(400);
        assertThat(embeddings.error().path("param").asString()).isEqualTo("input");
        TestClient.Reply format = client().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", "
                + "\"input\": \"a falcon\", \"encoding_format\": \"hex\"}");
        assertThat(format.status()).as(format.toString()).isEqualTo(400);
        assertThat(format.error().path("param").asString()).isEqualTo("encoding_format");
        TestClient.Reply chat = client().post("/v1/chat/completions", "{\"model\": \"casebook\", \"messages\": []}");
        assertThat(chat.status()).as(chat.toString()).isEqualTo(400);
    }

    @Test
    void a_good_request_the_server_cannot_run_is_a_503_saying_what_it_lacks() {
        String dataset = dataset();
        assertProblem(client().post("/api/evaluations/runs", "{\"dataset\": \"" + dataset + "\"}"), 503,
                "no agent is configured (casebook.models.planner.base-url and .model); runs need one");
        assertProblem(client().post("/api/synthesis/dreams", "{\"tasks\": [\"Which bird?\"], \"memoryMode\": \"off\"}"),
                503, "no agent is configured (casebook.models.planner.base-url and .model); dream jobs need one");
        TestClient.Reply sandbox = client().post("/api/synthesis/sandbox-tasks", "{\"domain\": \"file arithmetic\", "
                + "\"memoryMode\": \"off\"}");
        assertThat(sandbox.status()).as(sandbox.toString()).isEqualTo(503);
        assertThat(sandbox.contentType()).startsWith("application/problem+json");
        assertProblem(client().post("/api/evaluations/score", "application/x-ndjson", JUDGE_LINE + "\n"), 503,
                "scorer 'judge' needs a judge model, and none is configured");

        TestClient.Reply embeddings = client().post("/v1/embeddings", "{\"model\": \"casebook-embeddings\", "
                + "\"input\": \"a falcon\"}");
        assertThat(embeddings.status()).as(embeddings.toString()).isEqualTo(503);
        assertThat(embeddings.error().path("code").asString()).isEqualTo("embeddings_not_configured");
    }
}
