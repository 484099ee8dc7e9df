package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** OpenAPI, health, Prometheus metrics and the status endpoint on the embedded default (auth off). */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:ops;DB_CLOSE_DELAY=-1")
class OpsEndpointsIT {
    @LocalServerPort
    int port;

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_the_openapi_description_with_the_build_version() throws Exception {
        HttpResponse<String> r = get("/v3/api-docs");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"title\":\"Casebook API\"", "\"version\":\"0.1.0-SNAPSHOT\"",
                "/api/tasks/{id}/events", "/api/attachments");
        // issue 12: the case history, banks and the import's bank and mode are described
        assertThat(r.body()).contains("/api/cases/{id}/history", "/api/cases/banks", "/api/cases/banks/{name}",
                "\"name\":\"mode\"", "\"name\":\"bank\"");
        assertThat(get("/swagger-ui.html").statusCode()).isIn(200, 302);
    }

    @Test
    void health_is_up() throws Exception {
        HttpResponse<String> r = get("/actuator/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void prometheus_scrape_has_task_metrics() throws Exception {
        post("/api/tasks", "{\"text\":\"count me\"}");
        HttpResponse<String> r = get("/actuator/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("casebook_tasks_submitted_total", "casebook_tasks_running");
    }

    @Test
    void status_says_auth_is_off_on_the_embedded_default() throws Exception {
        HttpResponse<String> r = get("/api/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"auth\":\"off\"", "\"database\":\"embedded\"", "\"planner\"");
    }

    @Test
    void unknown_api_paths_are_problem_details() throws Exception {
        HttpResponse<String> r = get("/api/nothing-here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }
}
