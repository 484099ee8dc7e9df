package dev.casebook.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every case endpoint keeps a tenant's cases to that tenant, on the server's default case memory (Lucene on disk,
 * the in-process embedding model): another tenant can neither list, read, find, export, count, relabel nor delete
 * them.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CaseTenancyIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TASK = "Which river flows through the secret city of tenant A?";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/case-tenancy-" + UUID.randomUUID());
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:case-tenancy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256("key-a"));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256("key-b"));
    }

    @Test
    void no_case_endpoint_shows_or_changes_one_tenants_case_for_another() {
        Reply created = send("key-a", "POST", "/api/cases",
                "{\"task\":\"" + TASK + "\",\"plan\":\"look it up\",\"answer\":\"the Blue River\",\"reward\":1}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(send("key-a", "GET", "/api/cases/" + id, null).status()).isEqualTo(200);
        assertThat(send("key-a", "POST", "/api/cases/search", "{\"query\":\"secret city river\"}").body())
                .as("the owner finds it, so the searches below could find it too").contains(id);

        assertThat(send("key-b", "GET", "/api/cases/" + id, null).status()).isEqualTo(404);
        assertThat(send("key-b", "GET", "/api/cases", null).body()).doesNotContain(id);
        assertThat(send("key-b", "GET", "/api/cases?q=secret+city+river", null).body()).doesNotContain(id);
        for (String mode : new String[] {"hybrid", "vector"}) {
            Reply found = send("key-b", "POST", "/api/cases/search",
                    "{\"query\":\"secret city river\",\"mode\":\"" + mode + "\"}");
            assertThat(found.body()).as(mode + ": " + found.body()).doesNotContain(id).doesNotContain("Blue River");
        }
        assertThat(send("key-b", "GET", "/api/cases/export", null).body()).doesNotContain(id);
        assertThat(send("key-b", "GET", "/api/cases/stats", null).json().get("total").asLong()).isZero();
        assertThat(send("key-b", "PATCH", "/api/cases/" + id, "{\"label\":\"negative\"}").status()).isEqualTo(404);
        assertThat(send("key-b", "PATCH", "/api/cases/" + id, "{\"refuted\":false}").status()).isEqualTo(404);
        assertThat(send("key-b", "PATCH", "/api/cases/" + id, "{\"refuted\":true}").status()).isEqualTo(404);
        assertThat(send("key-b", "DELETE", "/api/cases/" + id, null).status()).isEqualTo(404);

        JsonNode still = send("key-a", "GET", "/api/cases/" + id, null).json();
        assertThat(still.get("label").asString()).isEqualTo("positive");
        assertThat(send("key-a", "GET", "/api/cases/stats", null).json().get("total").asLong()).isEqualTo(1);
    }

    private record Reply(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Reply send(String key, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
