package dev.casebook.server.web;

import static dev.casebook.server.web.EdgeServer.assertProblem;

import dev.casebook.testkit.http.TestClient;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * U+0000 and unpaired surrogates in any text a client sends are a 400 problem that names the field, before anything
 * is stored (on PostgreSQL a NUL in a task's text was a 500; an unpaired surrogate was stored as '?').
 */
interface HostileTextTests {
    String NUL = "\\u0000";
    String LONE = "\\ud800";

    EdgeServer server();

    /** A body per endpoint, {@code %s} where the hostile text goes, and the field the detail must name. */
    Map<String, String[]> BODIES = Map.ofEntries(
            Map.entry("POST /api/tasks #1", new String[] {"{\"text\":\"what %s is\"}", "text"}),
            Map.entry("POST /api/tasks #2", new String[] {"{\"text\":\"hi\",\"policy\":\"%s\"}", "policy"}),
            Map.entry("POST /api/tasks #3", new String[] {"{\"text\":\"hi\",\"attachments\":[\"%s\"]}",
                    "attachments[0]"}),
            Map.entry("POST /api/tasks/some-task/feedback", new String[] {"{\"correctAnswer\":\"4%s\"}",
                    "correctAnswer"}),
            Map.entry("POST /api/synthesis/dreams #1", new String[] {"{\"tasks\":[\"fine\",\"dream %s\"]}",
                    "tasks[1]"}),
            Map.entry("POST /api/synthesis/dreams #2", new String[] {"{\"tasks\":[\"fine\"],\"name\":\"n%s\"}",
                    "name"}),
            Map.entry("POST /api/synthesis/sandbox-tasks #1", new String[] {"{\"domain\":\"python %s\"}", "domain"}),
            Map.entry("POST /api/synthesis/sandbox-tasks #2",
                    new String[] {"{\"domain\":\"python\",\"models\":{\"planner\":\"m%s\"}}", "models.planner"}),
            Map.entry("POST /api/cases #1", new String[] {"{\"task\":\"t%s\",\"reward\":1}", "task"}),
            Map.entry("POST /api/cases #2", new String[] {"{\"task\":\"t\",\"answer\":\"%s\",\"reward\":1}",
                    "answer"}),
            Map.entry("PATCH /api/cases/00000000-0000-0000-0000-000000000000",
                    new String[] {"{\"label\":\"positive%s\"}", "label"}),
            Map.entry("POST /api/cases/search", new String[] {"{\"query\":\"q%s\"}", "query"}),
            Map.entry("POST /api/synthesis/replay/search", new String[] {"{\"task\":\"q%s\"}", "task"}),
            Map.entry("POST /api/evaluations/runs #1", new String[] {"{\"dataset\":\"d%s\"}", "dataset"}),
            Map.entry("POST /api/evaluations/runs #2", new String[] {"{\"dataset\":\"d\",\"groups\":[\"%s\"]}",
                    "groups[0]"}));

    @Test
    default void nul_and_unpaired_surrogates_in_any_json_text_field_are_refused_naming_the_field() {
        BODIES.forEach((endpoint, body) -> {
            String[] methodPath = endpoint.split(" #")[0].split(" ");
            for (String hostile : new String[] {NUL, LONE}) {
                TestClient.Reply reply = server().a().method(methodPath[0], methodPath[1], body[0].formatted(hostile));
                assertProblem(reply, 400, "field '" + body[1] + "' contains "
                        + (hostile.equals(NUL) ? "U+0000 (NUL)" : "an unpaired surrogate U+D800"));
            }
        });
    }

    @Test
    default void a_raw_nul_byte_and_escapes_in_jsonl_bodies_and_nul_in_query_parameters_are_refused() {
        assertProblem(server().a().method("POST", "/api/tasks", "{\"text\":\"raw \u0000 byte\"}"), 400,
                "malformed JSON");
        assertProblem(server().a().send(server().a().request("/api/cases/import")
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers
                        .ofString("{\"task\":\"t" + NUL + "\",\"reward\":1}\n"))), 400,
                "U+0000 (NUL, escaped as \\u0000)");
        assertProblem(server().a().send(server().a().request("/api/cases/import")
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers
                        .ofString("{\"task\":\"t" + LONE + "\",\"reward\":1}\n"))), 400,
                "an unpaired surrogate U+D800");
        assertProblem(server().a().get("/api/cases?q=a%00b"), 400, "the query string contains U+0000");
        assertProblem(server().a().get("/api/tasks?status=%00"), 400, "the query string contains U+0000");
    }

    @Test
    default void paired_surrogates_and_escaped_backslashes_are_fine() {
        TestClient.Reply ok = server().a().post("/api/cases/search", "{\"query\":\"emoji \\ud83d\\ude00 and \\\\u0000\"}");
        org.assertj.core.api.Assertions.assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
}
