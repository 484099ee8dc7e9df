package dev.casebook.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Client mistakes on the case endpoints are 400 problems, checked before the store is touched; with no case store
 * configured, valid calls are 503 problems, never 500.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:cases;DB_CLOSE_DELAY=-1")
class CasesBadInputIT {
    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", type).method(method, HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains(detail);
    }

    @Test
    void rejects_bad_filters_and_paging() throws Exception {
        assertProblem(send("GET", "/api/cases?label=maybe", null, null), 400, "label must be 'positive' or 'negative'");
        assertProblem(send("GET", "/api/cases?source=dream", null, null), 400, "source must be one of real");
        assertProblem(send("GET", "/api/cases?size=1000", null, null), 400, "'size' must be within [1, 200]");
        assertProblem(send("GET", "/api/cases?page=-2", null, null), 400, "'page' must be 0 or more");
    }

    @Test
    void rejects_bad_case_bodies() throws Exception {
        String json = "application/json";
        assertProblem(send("POST", "/api/cases", json, "{\"task\":\"\",\"reward\":1}"), 400, "'task' must not be empty");
        assertProblem(send("POST", "/api/cases", json, "{\"task\":\"t\",\"reward\":2}"), 400, "within [0, 1]");
        assertProblem(send("POST", "/api/cases", json, "{\"task\":\"t\",\"reward\":1,\"x\":1}"), 400,
                "unknown field 'x'");
        assertProblem(send("PATCH", "/api/cases/" + UUID.randomUUID(), json, "{\"label\":\"good\"}"), 400,
                "label must be 'positive' or 'negative'");
        assertProblem(send("PATCH", "/api/cases/" + UUID.randomUUID(), json, "{}"), 400,
                "field 'label' (positive or negative) or 'refuted' (true or false) is required");
        assertProblem(send("PATCH", "/api/cases/" + UUID.randomUUID(), json, "{\"refuted\":\"no\"}"), 400,
                "field 'refuted' must be true or false");
        assertProblem(send("PATCH", "/api/cases/" + UUID.randomUUID(), json, "{\"refuted\":false,\"label\":\"ok\"}"),
                400, "label must be 'positive' or 'negative'");
        assertProblem(send("POST", "/api/cases/search", json, "{\"query\":\" \"}"), 400, "'query' must not be empty");
        assertProblem(send("POST", "/api/cases/search", json, "{\"query\":\"q\",\"k\":0}"), 400, "'k' must be within");
        assertProblem(send("POST", "/api/cases/search", json, "{\"query\":\"q\",\"mode\":\"bm25\"}"), 400,
                "'mode' must be 'hybrid' or 'vector'");
        assertProblem(send("POST", "/api/cases/import?format=csv", "application/x-ndjson", "{}"), 400,
                "'format' must be auto, casebook, memento or memento-dummy");
        assertProblem(send("POST", "/api/cases/import?onError=ignore", "application/x-ndjson", "{}"), 400,
                "'onError' must be 'skip' or 'reject'");
    }

    @Test
    void without_a_case_store_valid_calls_are_service_unavailable() throws Exception {
        assertProblem(send("GET", "/api/cases", null, null), 503, "case memory is not configured");
        assertProblem(send("GET", "/api/cases/stats", null, null), 503, "case memory is not configured");
        assertProblem(send("GET", "/api/cases/export", null, null), 503, "case memory is not configured");
    }
}
