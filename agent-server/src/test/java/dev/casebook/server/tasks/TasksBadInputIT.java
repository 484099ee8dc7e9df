package dev.casebook.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Client mistakes on the task endpoints end in 4xx application/problem+json with a detail that names the fault. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:badinput;DB_CLOSE_DELAY=-1",
                "casebook.attachments.dir=target/attachments-badinput", "casebook.tasks.max-text-chars=1000",
                "casebook.api.max-body-bytes=5000", "spring.servlet.multipart.max-file-size=1KB",
                "spring.servlet.multipart.max-request-size=2KB"})
class TasksBadInputIT {
    @LocalServerPort
    int port;

    TestClient api() {
        return new TestClient(port, null);
    }

    private static void assertProblem(TestClient.Reply r, int status, String detailPart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("detail").asString()).contains(detailPart);
    }

    @Test
    void rejects_unknown_fields() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"hi\",\"colour\":\"red\"}"), 400, "unknown field 'colour'");
    }

    @Test
    void rejects_wrong_types() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"hi\",\"budgets\":{\"executorSteps\":\"many\"}}"), 400,
                "budgets.executorSteps' must be a number");
    }

    @Test
    void rejects_malformed_json() {
        assertProblem(api().post("/api/tasks", "{\"text\":"), 400, "malformed JSON");
    }

    @Test
    void rejects_empty_task() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"  \"}"), 400, "field 'text' must not be empty");
        assertProblem(api().post("/api/tasks", "{}"), 400, "field 'text' must not be empty");
    }

    @Test
    void rejects_a_missing_body() {
        assertProblem(api().post("/api/tasks", ""), 400, "request body is required");
    }

    @Test
    void rejects_oversized_task_text() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"" + "x".repeat(1001) + "\"}"), 400,
                "more than the limit of 1000");
    }

    @Test
    void rejects_oversized_bodies() {
        TestClient.Reply r = api().post("/api/tasks", "{\"text\":\"" + "x".repeat(6000) + "\"}");
        assertProblem(r, 413, "more than the limit of 5000");
    }

    @Test
    void uploads_an_attachment_and_rejects_oversized_or_empty_ones() {
        TestClient.Reply ok = upload("notes.txt", "some notes");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().get("name").asString()).isEqualTo("notes.txt");
        assertThat(ok.json().get("size").asLong()).isEqualTo(10);
        String id = ok.json().get("id").asString();
        assertThat(api().post("/api/tasks", "{\"text\":\"read it\",\"attachments\":[\"" + id + "\"]}").status())
                .isEqualTo(202);
        assertThat(upload("big.txt", "y".repeat(1500)).status()).isEqualTo(413);
        assertProblem(upload("empty.txt", ""), 400, "is empty");
    }

    private TestClient.Reply upload(String name, String content) {
        String boundary = "----casebook" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return api().send(api().request("/api/attachments").header("Content-Type",
                "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void rejects_bad_memory_mode() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"hi\",\"memoryMode\":\"sometimes\"}"), 400,
                "memory mode must be one of off, read-only, read-write");
    }

    @Test
    void rejects_out_of_range_budgets() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"hi\",\"budgets\":{\"plannerIterations\":0}}"), 400,
                "plannerIterations must be within [1, 20]");
    }

    @Test
    void rejects_unknown_attachment() {
        assertProblem(api().post("/api/tasks", "{\"text\":\"hi\",\"attachments\":[\"nope\"]}"), 400,
                "no attachment with id 'nope'");
    }

    @Test
    void answers_404_for_unknown_task_ids() {
        assertProblem(api().get("/api/tasks/does-not-exist"), 404, "no task with id 'does-not-exist'");
        assertProblem(api().get("/api/tasks/does-not-exist/steps"), 404, "no task with id");
        assertProblem(api().post("/api/tasks/does-not-exist/cancel", ""), 404, "no task with id");
        assertProblem(api().post("/api/tasks/does-not-exist/feedback", "{\"reward\":1}"), 404, "no task with id");
    }

    @Test
    void rejects_bad_paging_and_status_filters() {
        assertProblem(api().get("/api/tasks?page=-1"), 400, "'page' must be 0 or more");
        assertProblem(api().get("/api/tasks?size=0"), 400, "'size' must be within [1, 200]");
        assertProblem(api().get("/api/tasks?size=abc"), 400, "'size' must be a number");
        assertProblem(api().get("/api/tasks?status=done"), 400, "status must be one of queued");
    }

    @Test
    void rejects_bad_feedback() {
        String id = api().post("/api/tasks", "{\"text\":\"What is 2+2?\"}").json().get("id").asString();
        api().awaitTask(id);
        assertProblem(api().post("/api/tasks/" + id + "/feedback", "{\"reward\":1.5}"), 400,
                "'reward' must be within [0, 1]");
        assertProblem(api().post("/api/tasks/" + id + "/feedback", "{}"), 400, "exactly one of");
        assertProblem(api().post("/api/tasks/" + id + "/feedback", "{\"reward\":\"high\"}"), 400,
                "'reward' must be a number");
    }
}
