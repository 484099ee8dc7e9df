package dev.casebook.server.web;

import static dev.casebook.server.web.EdgeServer.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A GAIA folder inside {@code casebook.evaluation.dataset-root} cannot hand a run a file from outside the root through
 * a symbolic link as an attachment: attachments are resolved to their real paths and checked against the real root.
 */
interface DatasetLinkTests {

    EdgeServer server();

    private static Path gaiaFolder(String name, String attachment) throws IOException {
        Path folder = Files.createDirectories(EdgeServer.ROOT.resolve(name).resolve("2023").resolve("validation"));
        Files.writeString(folder.resolve("metadata.jsonl"), "{\"task_id\":\"t1\",\"Question\":\"What does the file"
                + " say?\",\"Level\":1,\"Final answer\":\"x\",\"file_name\":\"" + attachment + "\"}\n");
        return folder;
    }

    @Test
    default void an_attachment_linked_to_a_file_outside_the_dataset_root_is_refused() throws IOException {
        Path secret = Files.writeString(EdgeServer.OUTSIDE.resolve("secret.txt"), "the server's secret");
        Path leaky = gaiaFolder("gaia-leaky", "notes.txt");
        Files.deleteIfExists(leaky.resolve("notes.txt")); // the folder is shared by the tests' servers
        Files.createSymbolicLink(leaky.resolve("notes.txt"), secret);
        assertProblem(server().a().post("/api/evaluations/runs", "{\"dataset\":\"gaia-leaky\"}"), 403,
                "attachment 'notes.txt' of dataset 'gaia-leaky' lies outside casebook.evaluation.dataset-root ("
                        + EdgeServer.ROOT + ") once symbolic links are followed");
    }

    @Test
    default void an_attachment_linked_to_a_file_elsewhere_inside_the_root_is_fine() throws IOException {
        Path shared = Files.writeString(Files.createDirectories(EdgeServer.ROOT.resolve("blobs")).resolve("b1"),
                "a shared blob");
        Path linked = gaiaFolder("gaia-linked", "blob.txt");
        Files.deleteIfExists(linked.resolve("blob.txt"));
        Files.createSymbolicLink(linked.resolve("blob.txt"), shared);
        TestClient.Reply run = server().a().post("/api/evaluations/runs", "{\"dataset\":\"gaia-linked\"}");
        assertThat(run.status()).as(run.body()).isEqualTo(201);
        server().a().post("/api/evaluations/runs/" + run.json().get("id").asString() + "/cancel", "");
    }
}
