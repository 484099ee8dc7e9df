package dev.casebook.systemtest.memory;

import static dev.casebook.testkit.Eventually.eventually;
import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ModelText;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The insight distillation queue survives a real restart, on PostgreSQL (issue 19): the built server, insights on and
 * the pgvector stores, rates three tasks of one family; the scripted {@code distil} reply is held by a gate, so the
 * distillation is in flight when the server process is stopped (SIGTERM). A new server process on the same database
 * (and a data directory of its own: the queue must be in PostgreSQL, table {@code insight_pending}) asks the
 * distiller again without any new rating; once the gate opens, the family's insight is listed at
 * {@code GET /api/memory/insights} and nothing is left pending.
 */
class InsightQueueRestartIT {
    private static final List<String> FAMILY = List.of("Convert 3 miles to kilometres.",
            "How many kilometres are 40 miles?", "Convert 12 miles into kilometres.");
    private static final List<String> ANSWERS = List.of("4.83", "64.37", "19.2");
    private static final String LESSON = "For mile to km conversions, multiply by the exact factor 1.609344; "
            + "avoid rounding it to 1.6.";
    private static final String KEY = "key-of-the-insight-queue-test";
    private static final Predicate<LlmRequest> DISTIL = Match.interaction("distil");

    @Test
    void a_distillation_in_flight_when_the_server_stops_is_distilled_by_the_next_server_without_a_new_rating()
            throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("insightqueue");
        Gate distil = new Gate();
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            for (int i = 0; i < FAMILY.size(); i++) {
                llm.when(Match.interaction("plan").and(task(FAMILY.get(i)))).reply(ModelText.thinking("Known factor.")
                        .then("{\"answer\": \"FINAL ANSWER: " + ANSWERS.get(i) + "\"}").reply());
            }
            // every distil call waits at the gate: the first server's until it is stopped, the next one's until the
            // test has seen it asked (with reasoning, prose and a fence around the object, as models answer)
            llm.when(DISTIL).reply(ModelText.thinking("Two successes used the exact factor; the failure rounded.")
                    .line("Here is the lesson:")
                    .fenced("{\"family\": \"mile to km conversions\", \"insight\": \"%s\"}".formatted(LESSON))
                    .line("Hope this helps.").reply().heldBy(distil));

            int askedBeforeStop;
            try (ServerProcess first = server("insights-before", schema, llm).start()) {
                TestClient api = new TestClient(first.port(), KEY);
                runAndRate(api, FAMILY.get(0), 1);
                runAndRate(api, FAMILY.get(1), 1);
                runAndRate(api, FAMILY.get(2), 0);
                eventually("the family's distillation held at the gate", () -> distil.waiting(), n -> n >= 1);
                assertThat(count(schema, "insight_pending")).as("the queued distillation is recorded").isPositive();
                askedBeforeStop = llm.requests(DISTIL).size();
                first.close(); // SIGTERM while the distil call is in flight
                assertThat(first.isAlive()).isFalse();
            }
            assertThat(count(schema, "insights")).as("no insight was written before the stop").isZero();
            assertThat(count(schema, "insight_pending")).as("the stopped server left its distillation pending")
                    .isPositive();

            try (ServerProcess second = server("insights-after", schema, llm).start()) {
                TestClient api = new TestClient(second.port(), KEY);
                eventually("the restarted server to ask the distiller again, with no new rating",
                        () -> llm.requests(DISTIL).size(), n -> n > askedBeforeStop);
                assertThat(api.get("/api/memory/insights").json().get("items")).as("not distilled yet").isEmpty();
                eventually("the restart's log line", second::logText,
                        log -> log.contains("distillations left pending by the last run queued again"));
                LlmRequest asked = llm.requests(DISTIL).getLast();
                FAMILY.forEach(task -> assertThat(asked.allText()).as("the family shown to the distiller")
                        .contains(task));

                distil.open();

                JsonNode items = eventually("the family's insight", () -> api.get("/api/memory/insights").json()
                        .get("items"), list -> list.size() == 1);
                JsonNode insight = items.get(0);
                assertThat(insight.get("text").asString()).isEqualTo(LESSON);
                assertThat(insight.get("family").asString()).isEqualTo("mile to km conversions");
                assertThat(insight.get("members").asInt()).isEqualTo(3);
                assertThat(insight.get("successes").asInt()).isEqualTo(2);
                assertThat(insight.get("failures").asInt()).isEqualTo(1);
                eventually("nothing left pending", () -> count(schema, "insight_pending"), n -> n == 0);
                assertThat(llm.requests(Match.interaction("plan"))).as("no task ran on the second server")
                        .hasSize(FAMILY.size());
            }
        } finally {
            distil.open();
            schema.drop();
        }
    }

    private static ServerProcess.Builder server(String name, TestPostgres.Schema schema, ScriptedLlmServer llm) {
        return ServerProcess.builder(name) // each its own new data directory: the queue is in the database
                .property("spring.datasource.url", schema.url())
                .property("spring.datasource.username", schema.user())
                .property("spring.datasource.password", schema.password())
                .property("spring.flyway.schemas", schema.name())
                .property("casebook.memory.store", "pgvector")
                .property("casebook.security.enabled", "true") // required on PostgreSQL
                .property("casebook.security.api-keys[0].tenant", "insights")
                .property("casebook.security.api-keys[0].sha256", sha256(KEY))
                .property("casebook.memory.insights.enabled", "true")
                // InsightsFlowIT checks that these tasks' cosines are above 0.6
                .property("casebook.memory.insights.family-similarity", "0.6")
                .property("casebook.memory.insights.min-family-size", "3")
                .property("casebook.models.planner.base-url", llm.baseUrl())
                .property("casebook.models.planner.model", "scripted-planner")
                .property("casebook.models.planner.api-key", "test-key");
    }

    private static void runAndRate(TestClient api, String text, double reward) {
        TestClient.Reply created = api.post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").asString();
        JsonNode done = api.awaitTask(id);
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("answered");
        TestClient.Reply rated = api.post("/api/tasks/" + id + "/feedback", "{\"reward\":" + reward + "}");
        assertThat(rated.status()).as(rated.body()).isEqualTo(200);
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(TestPostgres.Schema schema, String table) {
        try (Connection connection = schema.connect(); Statement s = connection.createStatement();
                ResultSet row = s.executeQuery("SELECT count(*) FROM " + table)) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the rows of " + table, e);
        }
    }
}
