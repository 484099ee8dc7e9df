package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Client mistakes on the synthesis API are answered 4xx as problem+json with a detail that says what was wrong. */
class DreamsBadInputIT extends DreamsContext {

    void refused(String body, int status, String detail) {
        TestClient.Reply r = api().post("/api/synthesis/dreams", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("detail").asString()).isEqualTo(detail);
    }

    @Test
    void refuses_a_job_without_tasks_or_with_bad_ones() {
        refused("{}", 400, "a dream job needs at least one task: field 'tasks' (task texts), 'seedFromRecorded' "
                + "(a number of recorded tasks) or 'seedFrom' (real weak spots)");
        refused("{\"seedFrom\": \"everything\"}", 400, "field 'seedFrom' must be one of [failed-real, uncertain-real],"
                + " was 'everything'");
        TestClient.Reply unseeded = api().as(OTHER_KEY).post("/api/synthesis/dreams", "{\"seedFrom\": \"uncertain-real\"}");
        assertThat(unseeded.status()).as(unseeded.body()).isEqualTo(400);
        assertThat(unseeded.json().get("detail").asString()).isEqualTo("field 'seedFrom' is uncertain-real, but the tenant"
                + " has no such real task yet (an evaluation question whose attempts disagree)");
        refused("{\"tasks\": [\"fine\", \" \"]}", 400, "field 'tasks[1]' must not be blank");
        refused("{\"tasks\": \"just one\"}", 400, "field 'tasks' must be an array");
        refused("{\"tasks\": [\"a\"], \"seedFromRecorded\": 0}", 400, "field 'seedFromRecorded' must be within "
                + "[1, 1000], was 0");
        TestClient.Reply none = api().as(OTHER_KEY).post("/api/synthesis/dreams", "{\"seedFromRecorded\": 3}");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().get("detail").asString()).isEqualTo("field 'seedFromRecorded': this tenant has no "
                + "answered task that called a tool to seed from; give tasks inline in 'tasks'");
    }

    @Test
    void refuses_bad_settings() {
        refused("{\"tasks\": [\"a\"], \"rolloutsPerTask\": 0}", 400, "field 'rolloutsPerTask' must be within [1, 100], "
                + "was 0");
        refused("{\"tasks\": [\"a\"], \"concurrency\": 100000}", 400, "field 'concurrency' must be within [1, 64], was "
                + "100000");
        refused("{\"tasks\": [\"a\"], \"memoryMode\": \"sideways\"}", 400, "memory mode must be one of off, read-only, "
                + "read-write, was 'sideways'");
        refused("{\"tasks\": [\"a\"], \"policy\": \"psychic\"}", 400, "field 'policy': no case-selection policy named "
                + "'psychic'; known: [similarity]");
        refused("{\"tasks\": [\"a\"], \"models\": {\"critic\": \"big\"}}", 400, "field 'models' names an unknown role "
                + "'critic'; roles: [planner, executor, judge, experience]");
        refused("{\"tasks\": [\"a\"], \"models\": {\"experience\": \"a b\"}}", 400, "field 'models.experience' must be a "
                + "model profile (known profiles: none) or a model name (letters, digits and ._:/@+-, at most 200), "
                + "was 'a b'");
        // authentication is on here: a plain model name must be one the operator configured or allowed
        refused("{\"tasks\": [\"a\"], \"models\": {\"executor\": \"gpt-5-pro\"}}", 400, "field 'models.executor': the "
                + "model 'gpt-5-pro' is not allowed on this server; name a model profile (known profiles: none) or one "
                + "of the allowed models (scripted-planner, scripted-world-model) (the operator lists more in "
                + "casebook.models.allowed-models)");
        refused("{\"tasks\": [\"a\", \"b\"], \"rolloutsPerTask\": 2, \"maxRollouts\": 3}", 400, "field 'maxRollouts' (3)"
                + " is less than the seeds' rollouts (2 tasks x 2 = 4)");
        refused("{\"tasks\": [\"a\"], \"curriculum\": {\"rounds\": 11}}", 400, "field 'curriculum.rounds' must be within "
                + "[0, 10], was 11");
        refused("{\"tasks\": [\"a\"], \"dreamHarder\": true}", 400, "unknown field 'dreamHarder'; known fields: "
                + "[name, tasks, seedFromRecorded, rolloutsPerTask, concurrency, memoryMode, policy, models, curriculum, "
                + "maxRollouts, maxTokens, seedFrom, seedLimit]");
        refused("{\"tasks\": [\"a\"], \"maxTokens\": 0}", 400, "field 'maxTokens' must be within [1, 1000000000000], "
                + "was 0");
        refused("[1, 2]", 400, "field '(body)' must be an object");
    }

    @Test
    void unknown_jobs_are_not_found_and_jobs_at_rest_cannot_be_cancelled_or_resumed_again() {
        TestClient.Reply missing = api().get("/api/synthesis/dreams/no-such-job");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asString()).isEqualTo("no dream job with id 'no-such-job'");
        assertThat(api().get("/api/synthesis/dreams/no-such-job/results").status()).isEqualTo(404);
        assertThat(api().get("/api/synthesis/dreams?limit=0").json().get("detail").asString())
                .isEqualTo("parameter 'limit' must be within [1, 500], was 0");

        LLM.when(Match.interaction("plan").and(task("Resting"))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 1\"}"));
        LLM.when(Match.interaction("experience-outcome")).reply(Reply.text("{\"reward\": 1}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Resting: 0 + 1?\"], \"rolloutsPerTask\": 1}");
        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).isEqualTo("completed");
        TestClient.Reply cancel = api().post("/api/synthesis/dreams/" + id + "/cancel", "");
        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.json().get("detail").asString()).isEqualTo("dream job '" + id + "' is completed; only queued"
                + " or running jobs can be cancelled");
        TestClient.Reply resume = api().post("/api/synthesis/dreams/" + id + "/resume", "");
        assertThat(resume.status()).isEqualTo(409);
        assertThat(resume.contentType()).startsWith("application/problem+json");
    }

    @Test
    void the_openapi_description_lists_the_synthesis_endpoints() {
        TestClient.Reply docs = new TestClient(port, null).get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("\"/api/synthesis/dreams\"", "\"/api/synthesis/dreams/{id}/results\"",
                "\"/api/synthesis/dreams/{id}/events\"", "\"/api/synthesis/replay/search\"", "Experience synthesis",
                "Start a dream job");
    }

    @Test
    void refuses_a_replay_search_without_a_call() {
        TestClient.Reply r = api().post("/api/synthesis/replay/search", "{\"task\": \"x\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).isEqualTo("fields 'task' and 'tool' are required: the task and "
                + "the tool it calls");
        TestClient.Reply k = api().post("/api/synthesis/replay/search", "{\"task\": \"x\", \"tool\": \"t\", \"k\": 99}");
        assertThat(k.json().get("detail").asString()).isEqualTo("field 'k' must be within [1, 50], was 99");
    }
}
