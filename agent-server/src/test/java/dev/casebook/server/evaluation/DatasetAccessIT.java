package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Which datasets a run may read when auth is on and no {@code casebook.evaluation.dataset-root} is set: uploads, and
 * only the uploading tenant's; server paths are refused ({@link DatasetRootIT}: with a root). The agent is the
 * {@link TableAgent} test double: what is tested is which runs are created.
 */
@SpringBootTest(classes = {CasebookApplication.class, DatasetAccessIT.Agents.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetAccessIT {
    static final String KEY_A = "dataset-key-a";
    static final String KEY_B = "dataset-key-b";
    static final String ROWS = "{\"id\": \"p1\", \"question\": \"Largest planet?\", \"answers\": [\"Jupiter\"]}\n";

    @TestConfiguration
    static class Agents {
        @Bean
        TableAgent tableAgent() {
            return new TableAgent(Map.of("Largest planet?", "Jupiter"));
        }
    }

    static void auth(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:datasets-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        registry.add("casebook.memory.store", () -> "none");
        registry.add("casebook.evaluation.upload-dir", () -> "target/eval-uploads-" + UUID.randomUUID());
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY_A));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(KEY_B));
    }

    static Path file(Path folder, String name) throws Exception {
        Files.createDirectories(folder);
        return Files.writeString(folder.resolve(name), ROWS);
    }

    static String upload(TestClient http) {
        String boundary = "----casebook" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"planets.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + ROWS + "\r\n--" + boundary + "--\r\n";
        TestClient.Reply uploaded = http.post("/api/evaluations/datasets", "multipart/form-data; boundary=" + boundary, body);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        return uploaded.json().get("dataset").asString();
    }

    static TestClient.Reply create(TestClient http, String dataset) {
        return http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(dataset));
    }

    static JsonNode completed(TestClient http, TestClient.Reply created) throws InterruptedException {
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode run = http.await("/api/evaluations/runs/" + id, r -> r.get("status").asString().equals("completed"));
        return run;
    }

    static void assertProblem(TestClient.Reply reply, int status, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).contains(detail);
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        auth(registry);
    }

    @Test
    void server_paths_are_refused_and_uploads_work_for_their_tenant_only() throws Exception {
        TestClient a = new TestClient(port, KEY_A);
        Path onDisk = file(Path.of("target", "datasets-" + UUID.randomUUID()), "planets.jsonl").toAbsolutePath();

        assertProblem(create(a, onDisk.toString()), 403, "server paths are refused as datasets: auth is on and"
                + " casebook.evaluation.dataset-root is not set; upload the dataset (POST /api/evaluations/datasets,"
                + " then pass its upload:<id>) or have the operator set casebook.evaluation.dataset-root");
        assertProblem(create(a, "/etc/passwd"), 403, "server paths are refused");

        String uploaded = upload(a);
        assertThat(completed(a, create(a, uploaded)).get("correct").asInt()).isEqualTo(1);
        assertProblem(create(new TestClient(port, KEY_B), uploaded), 400, "no uploaded dataset '" + uploaded + "'");
        String folderOfA = new DatasetPaths(new EvaluationSettings(null, null, null, "uploads", null, null, null),
                new dev.casebook.server.security.SecuritySettings(true, null, null)).uploadFolder("tenant-a")
                .getFileName().toString();
        String traversal = "upload:../" + folderOfA + "/" + uploaded.substring(DatasetPaths.UPLOAD.length());
        assertProblem(create(new TestClient(port, KEY_B), traversal), 400, "no uploaded dataset");
        completed(a, create(a, traversal)); // the same path, from tenant A's own folder, is A's upload
    }
}
