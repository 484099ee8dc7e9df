package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.insight.InsightStore;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The server that the edge tests attack: auth on with two tenants, a body limit of 5,000 bytes, small run-size caps,
 * a dataset root, and an agent whose model (the scripted LLM server) never answers, so that runs and jobs stay
 * unfinished for as long as a test needs them to. Subclasses choose the database.
 */
abstract class EdgeServer {
    static final String KEY_A = "edge-key-a";
    static final String KEY_B = "edge-key-b";
    static final int MAX_BODY = 5_000;
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    static final Path ROOT = folder("edge-dataset-root");
    static final Path OUTSIDE = folder("edge-outside");
    static final Path ATTACHMENTS = folder("edge-attachments");
    static final Path UPLOADS = folder("edge-uploads");
    static final Path INSIGHTS = folder("edge-insights");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;

    static void edgeProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY_A));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(KEY_B));
        registry.add("casebook.api.max-body-bytes", () -> String.valueOf(MAX_BODY));
        registry.add("casebook.attachments.dir", ATTACHMENTS::toString);
        registry.add("casebook.evaluation.upload-dir", UPLOADS::toString);
        registry.add("casebook.evaluation.dataset-root", ROOT::toString);
        registry.add("casebook.evaluation.max-items", () -> "6");
        registry.add("casebook.evaluation.max-tenant-items", () -> "10");
        registry.add("casebook.synthesis.max-rollouts", () -> "8");
        registry.add("casebook.synthesis.max-tenant-rollouts", () -> "12");
        registry.add("casebook.sandbox-tasks.max-items", () -> "9");
        registry.add("casebook.sandbox-tasks.max-tenant-items", () -> "15");
        registry.add("casebook.sandbox-tasks.validator-time", () -> "60s"); // a loaded machine starts Python slowly
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.timeout", () -> "10m");
        registry.add("casebook.models.planner.max-retries", () -> "0");
        registry.add("casebook.models.experience.model", () -> "scripted-world-model");
        // insights on, so that their routes answer as they do in use (off, every tenant gets 503) and are attacked
        registry.add("casebook.memory.insights.enabled", () -> "true");
        registry.add("casebook.memory.insights.dir", INSIGHTS::toString);
    }

    /** The insight store, where the tenancy test puts an insight (they are only distilled, never posted). */
    @Autowired
    InsightStore insightStore;

    @BeforeEach
    void modelNeverAnswers() {
        LLM.reset();
        LLM.when(request -> true).reply(Reply.hang());
    }

    TestClient a() {
        return new TestClient(port, KEY_A);
    }

    TestClient b() {
        return new TestClient(port, KEY_B);
    }

    TestClient anonymous() {
        return new TestClient(port, null);
    }

    RawHttp raw() {
        return new RawHttp(port, KEY_A);
    }

    static void assertProblem(TestClient.Reply reply, int status, String detailPart) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.body()).startsWith("application/problem+json");
        assertThat(reply.detail()).as(reply.body()).contains(detailPart);
    }

    private static Path folder(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
            dir.toFile().deleteOnExit();
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
