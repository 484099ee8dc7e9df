package dev.casebook.server.cases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.SharedData;
import dev.casebook.testkit.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/cases/import} with the Memento formats and casebook's own, against a pgvector store in the
 * server's PostgreSQL schema and the in-process embedding model; malformed input is a problem that names its lines.
 */
@SpringBootTest(classes = {CasebookApplication.class, CaseImportIT.Memory.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CaseImportIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> TENANTS = List.of("dummy", "reject", "skip", "roundtrip");

    @LocalServerPort
    int port;

    @TestConfiguration
    static class Memory {
        @Bean
        @Primary
        Embedder importTestEmbedder() {
            return InProcessEmbedder.shared();
        }

        @Bean(destroyMethod = "close")
        @Primary
        @DependsOn("flywayInitializer")
        CaseStore importTestStore(DataSource dataSource, Embedder embedder) {
            return PgVectorCaseStore.open(dataSource, new EmbeddingSpace(embedder.modelId(), embedder.dimension()));
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("caseimport");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        registry.add("casebook.security.enabled", () -> "true");
        for (int i = 0; i < TENANTS.size(); i++) {
            String tenant = TENANTS.get(i);
            registry.add("casebook.security.api-keys[" + i + "].tenant", () -> tenant);
            registry.add("casebook.security.api-keys[" + i + "].sha256", () -> ApiKeys.sha256(key(tenant)));
        }
    }

    @Test
    void imports_the_memento_dummy_bank_with_auto_detection() throws Exception {
        String body = Files.readString(SharedData.file("memento/dummy_memo.jsonl"));
        int lines = (int) body.lines().filter(l -> !l.isBlank()).count();

        Reply reply = post("dummy", "/api/cases/import?onError=reject", body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("format").asString()).isEqualTo("memento-dummy");
        assertThat(reply.json().get("imported").asInt()).isEqualTo(lines);
        assertThat(get("dummy", "/api/cases/stats").json().get("total").asInt()).isEqualTo(lines);
        assertThat(get("dummy", "/api/cases/stats").json().get("byLabel").get("positive").asInt()).isEqualTo(4);
    }

    @Test
    void a_malformed_line_rejects_the_import_as_a_problem_naming_the_lines_and_stores_nothing() throws Exception {
        Reply reply = post("reject", "/api/cases/import?format=memento&onError=reject", fixture());

        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).isEqualTo("import rejected, nothing stored: line 2: label"
                + " must be 'positive' or 'negative', was 'maybe' (and 3 more malformed lines)");
        assertThat(reply.json().get("errors").valueStream().map(e -> e.get("line").asInt()).toList())
                .containsExactly(2, 4, 6, 7);
        assertThat(get("reject", "/api/cases/stats").json().get("total").asInt()).isZero();
    }

    @Test
    void skipping_stores_the_good_lines_and_reports_the_bad_ones() throws Exception {
        Reply reply = post("skip", "/api/cases/import?format=memento&onError=skip", fixture());

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("imported").asInt()).isEqualTo(3);
        assertThat(reply.json().get("skipped").asInt()).isEqualTo(4);
        assertThat(reply.json().get("errors").valueStream().map(e -> e.get("line").asInt()).toList())
                .containsExactly(2, 4, 6, 7);
        assertThat(get("skip", "/api/cases/stats").json().get("total").asInt()).isEqualTo(3);
    }

    @Test
    void a_casebook_import_keeps_ids_and_fields_and_export_writes_them_back() {
        String id = UUID.randomUUID().toString();
        String line = "{\"id\":\"" + id + "\",\"task\":\"Who discovered penicillin?\",\"plan\":\"search\","
                + "\"answer\":\"Fleming\",\"reward\":0.9,\"label\":\"positive\",\"source\":\"sandbox\","
                + "\"origin\":\"deepresearcher:test:3\",\"uses\":4,\"successes\":2,"
                + "\"createdAt\":\"2025-05-06T07:08:09.123456Z\",\"updatedAt\":\"2025-05-07T07:08:09Z\"}";

        Reply reply = post("roundtrip", "/api/cases/import?format=casebook&onError=reject", line + "\n");
        Reply exported = get("roundtrip", "/api/cases/export");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("imported").asInt()).isEqualTo(1);
        // the export carries the case's bank and evidence too: a line without them gets the default bank and one
        // import event
        assertThat(exported.body().strip()).startsWith(line.substring(0, line.length() - 1)
                + ",\"bank\":\"default\",\"evidence\":[{\"episode\":\"deepresearcher:test:3\",\"source\":\"import\","
                + "\"reward\":0.9,\"rater\":\"unrated\",\"plan\":\"search\",\"answer\":\"Fleming\",\"at\":");
        Reply again = post("roundtrip", "/api/cases/import?format=casebook&onError=reject", exported.body());
        assertThat(again.json().get("imported").asInt()).as("the same case again is a duplicate").isZero();
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(get("roundtrip", "/api/cases/" + id).json().get("origin").asString())
                .isEqualTo("deepresearcher:test:3");
    }

    private static String key(String tenant) {
        return "key-of-" + tenant;
    }

    private static String fixture() throws IOException {
        try (InputStream in = Objects.requireNonNull(CaseImportIT.class.getResourceAsStream(
                "/cases/malformed-memento.jsonl"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    record Reply(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Reply post(String tenant, String path, String body) {
        return send(request(tenant, path).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Reply get(String tenant, String path) {
        return send(request(tenant, path).GET());
    }

    private HttpRequest.Builder request(String tenant, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key(tenant));
    }

    private static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
