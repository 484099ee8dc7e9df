package dev.casebook.server.evaluation;

import static dev.casebook.server.evaluation.DatasetAccessIT.KEY_A;
import static dev.casebook.server.evaluation.DatasetAccessIT.assertProblem;
import static dev.casebook.server.evaluation.DatasetAccessIT.completed;
import static dev.casebook.server.evaluation.DatasetAccessIT.create;
import static dev.casebook.server.evaluation.DatasetAccessIT.file;
import static dev.casebook.server.evaluation.DatasetAccessIT.upload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code casebook.evaluation.dataset-root} set (auth on), server paths must resolve inside the root after
 * normalisation and with symbolic links followed; relative paths are taken from the root; uploads still work.
 */
@SpringBootTest(classes = {CasebookApplication.class, DatasetAccessIT.Agents.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatasetRootIT {
    static final Path ROOT = Path.of("target", "dataset-root-" + UUID.randomUUID()).toAbsolutePath();
    static final Path OUTSIDE = Path.of("target", "outside-" + UUID.randomUUID()).toAbsolutePath();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DatasetAccessIT.auth(registry);
        registry.add("casebook.evaluation.dataset-root", ROOT::toString);
    }

    @Test
    void paths_must_resolve_inside_the_root_after_normalisation_and_symbolic_links() throws Exception {
        TestClient a = new TestClient(port, KEY_A);
        Path inside = file(ROOT.resolve("sets"), "planets.jsonl");
        Path outside = file(OUTSIDE, "secret.jsonl");
        Files.createSymbolicLink(ROOT.resolve("sets/link.jsonl"), outside);
        Files.createSymbolicLink(ROOT.resolve("elsewhere"), OUTSIDE);

        assertThat(completed(a, create(a, inside.toString())).get("dataset").get("path").asString())
                .isEqualTo(inside.toString());
        completed(a, create(a, "sets/planets.jsonl")); // relative paths are taken from the root
        String refused = "dataset paths must lie under casebook.evaluation.dataset-root (" + ROOT
                + "), symbolic links included; '";
        assertProblem(create(a, outside.toString()), 403, refused + outside + "' does not");
        assertProblem(create(a, "sets/../../" + OUTSIDE.getFileName() + "/secret.jsonl"), 403, refused);
        assertProblem(create(a, "sets/link.jsonl"), 403, refused + "sets/link.jsonl' does not");
        assertProblem(create(a, "elsewhere/secret.jsonl"), 403, refused);
        assertProblem(create(a, "sets/missing.jsonl"), 400, "dataset 'sets/missing.jsonl' not found on the server");
        assertThat(completed(a, create(a, upload(a))).get("correct").asInt()).isEqualTo(1);
    }
}
