package dev.casebook.server.web;

import static dev.casebook.server.web.EdgeServer.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Client mistakes that were answered 500, or outside problem+json (Tomcat's HTML page, Spring Boot's error JSON), or
 * accepted when they should not have been: each is now a 4xx problem whose detail says what was wrong.
 */
interface BadInputTests {

    EdgeServer server();

    @Test
    default void a_chunked_body_is_counted_as_it_is_read_and_refused_past_the_limit() {
        byte[] big = ("{\"text\":\"" + "x".repeat(EdgeServer.MAX_BODY * 4) + "\"}").getBytes();
        for (String path : new String[] {"/api/tasks", "/api/cases/import", "/api/evaluations/score"}) {
            TestClient.Reply reply = server().a().send(server().a().request(path).header("Content-Type",
                    "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(big))));
            assertProblem(reply, 413, "more than the limit of " + EdgeServer.MAX_BODY + " bytes");
        }
        TestClient.Reply small = server().a().send(server().a().request("/api/cases/search").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream("{\"query\":\"chunked\"}".getBytes()))));
        assertThat(small.status()).as(small.body()).isEqualTo(200);
    }

    @Test
    default void bodies_of_the_wrong_kind_are_400_problems() {
        assertProblem(server().a().post("/api/attachments", "{\"file\":\"x\"}"), 400,
                "this endpoint takes a multipart/form-data body with the file in form field 'file'; the request's"
                        + " Content-Type was 'application/json'");
        assertProblem(server().a().post("/api/evaluations/datasets", "{\"file\":\"x\"}"), 400,
                "takes a multipart/form-data body");
        assertProblem(server().a().send(server().a().request("/api/tasks").header("Content-Type",
                "multipart/form-data").POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}"))), 400,
                "the multipart/form-data body cannot be read");
    }

    @Test
    default void pages_past_any_list_are_400_problems() {
        assertProblem(server().a().get("/api/tasks?page=2147483647"), 400, "parameter 'page' is 2147483647");
        assertProblem(server().a().get("/api/cases?page=2147483647&size=20"), 400, "parameter 'page' is 2147483647");
    }

    @Test
    default void upload_names_that_name_no_file_are_refused_and_leave_nothing_behind() {
        long before = entries(EdgeServer.ATTACHMENTS);
        long datasetsBefore = tree(EdgeServer.UPLOADS);
        for (String name : new String[] {"/", ".", "..", "dir/..", "a\u0000b.txt", "y".repeat(252) + ".txt",
                "\u00e9".repeat(128) + ".txt"}) {
            TestClient.Reply reply = server().a().upload("/api/attachments", name, "hello");
            assertProblem(reply, 400, "file name"); // Tomcat's multipart parser refuses a NUL itself
            TestClient.Reply dataset = server().a().upload("/api/evaluations/datasets", name.replace(".txt", ".jsonl"),
                    "{\"id\":\"1\",\"question\":\"q\",\"answers\":[\"a\"]}");
            assertThat(dataset.status()).as(dataset.body()).isEqualTo(400);
        }
        assertThat(entries(EdgeServer.ATTACHMENTS)).isEqualTo(before);
        assertThat(tree(EdgeServer.UPLOADS)).isEqualTo(datasetsBefore);
        TestClient.Reply fine = server().a().upload("/api/attachments", "C:\\Users\\me\\notes.txt", "hello");
        assertThat(fine.status()).as(fine.body()).isEqualTo(201);
        assertThat(fine.json().get("name").asString()).isEqualTo("notes.txt");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    default void errors_tomcat_answers_itself_are_problems_too(CapturedOutput log) {
        assertProblem(server().raw().get("/api/tasks/%00"), 400, "the request cannot be parsed");
        assertProblem(server().raw().get("/api/tasks/a%2Fb"), 400, "the request cannot be parsed");
        assertProblem(server().raw().get("/api/tasks/" + "x".repeat(10_000)), 400, "the request cannot be parsed");
        assertProblem(server().raw().get("/api/tasks?status=%zz"), 400,
                "the query string cannot be decoded: each '%' must be followed by two hex digits");
        assertProblem(server().raw().get("/api/tasks?status=%e9"), 400, "the query string cannot be decoded");
        assertThat(log.getOut()).as("no stack trace for a client's mistake").doesNotContain("Servlet.service()")
                .doesNotContain("InvalidParameterException");
    }

    @Test
    default void json_types_are_strict() {
        assertProblem(server().a().post("/api/tasks", "{\"text\":123}"), 400, "field 'text' must be a string, was 123");
        assertProblem(server().a().post("/api/tasks", "{\"text\":true}"), 400, "field 'text' must be a string");
        assertProblem(server().a().post("/api/tasks", "{\"text\":\"hi\",\"budgets\":{\"executorSteps\":\"3\"}}"), 400,
                "field 'budgets.executorSteps' must be a number without a fraction");
        assertProblem(server().a().post("/api/tasks", "{\"text\":\"hi\",\"budgets\":{\"executorSteps\":2.5}}"), 400,
                "field 'budgets.executorSteps' must be a number without a fraction, was 2.5");
        assertProblem(server().a().post("/api/synthesis/dreams", "{\"tasks\":[\"a\", 7]}"), 400,
                "field 'tasks[1]' must be a string");
        assertProblem(server().a().post("/api/evaluations/runs", "{\"dataset\":\"d\",\"leaveOneTaskOut\":\"yes\"}"),
                400, "field 'leaveOneTaskOut' must be true or false");
    }

    @Test
    default void a_rejected_import_names_no_bank() {
        assertProblem(server().a().post("/api/cases/import?onError=reject&bank=refused-import",
                "{\"task\":\"t\",\"plan\":\"p\",\"reward\":1}\nnot json\n"), 400,
                "import rejected, nothing stored: line 2: malformed JSON");
        assertProblem(server().a().post("/api/cases/import?bank=refused-import", "{}"), 400,
                "import rejected, nothing stored: line 1: cannot tell the format");
        assertThat(server().a().get("/api/cases/banks").body()).doesNotContain("refused-import");
    }

    @Test
    default void a_task_with_an_unknown_policy_is_refused_and_records_nothing() {
        assertProblem(server().a().post("/api/tasks", "{\"text\":\"refused task\",\"policy\":\"no-such-policy\","
                + "\"bank\":\"refused-task\"}"), 400,
                "field 'policy': no case-selection policy named 'no-such-policy'; known: [");
        assertThat(server().a().get("/api/tasks").body()).doesNotContain("refused task");
        assertThat(server().a().get("/api/cases/banks").body()).doesNotContain("refused-task");
    }

    private static long entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long tree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
