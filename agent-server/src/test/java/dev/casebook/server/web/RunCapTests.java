package dev.casebook.server.web;

import static dev.casebook.server.web.EdgeServer.assertProblem;
import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The size of evaluation runs, dream jobs and sandbox task jobs is capped per run and per tenant (the items its
 * unfinished runs may still run), checked before anything is created, and again when a cancelled run is resumed. The server's model never answers here, so the
 * runs a test creates stay unfinished until it cancels them.
 */
interface RunCapTests {
    /** A sandbox task (the sum of numbers.txt into sum.txt) whose validator passes its reference only. */
    String SUM_TASK = """
            {"statement": "[group caps] Write the sum of the numbers in numbers.txt to sum.txt.",
             "files": {"numbers.txt": "3\\n4\\n5\\n"},
             "validator": "value = open('sum.txt').read().strip()\\nassert value == '12', value\\n",
             "reference": "open('sum.txt', 'w').write(str(sum(int(l) for l in open('numbers.txt') if l.strip())))\\n",
             "near_miss": "open('sum.txt', 'w').write('13')\\n", "difficulty": 2}""";

    EdgeServer server();

    private String upload(TestClient client, int questions) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < questions; i++) {
            jsonl.append("{\"id\":\"q").append(i).append("\",\"question\":\"Cap question ").append(i)
                    .append("?\",\"answers\":[\"a\"]}\n");
        }
        TestClient.Reply uploaded = client.upload("/api/evaluations/datasets", "cap.jsonl", jsonl.toString());
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        return uploaded.json().get("dataset").asString();
    }

    private String created(TestClient.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isBetween(200, 299);
        return reply.json().get("id").asString();
    }

    @Test
    default void evaluation_runs_are_capped_per_run_and_per_tenant() {
        TestClient a = server().a();
        String four = upload(a, 4);
        assertProblem(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"attempts\":2}"), 400,
                "this asks for 8 evaluation items (4 questions x 2 attempts x 1 epochs), more than"
                        + " casebook.evaluation.max-items (6)");
        List<String> runs = new ArrayList<>();
        try {
            runs.add(created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"concurrency\":1}")));
            runs.add(created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"concurrency\":1}")));
            assertProblem(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\"}"), 429,
                    "tenant 'tenant-a' has 8 evaluation items not finished yet; this asks for 4 more (4 questions x 1"
                            + " attempts x 1 epochs), which would pass casebook.evaluation.max-tenant-items (10)");
            TestClient b = server().b();
            String theirs = upload(b, 4);
            TestClient.Reply other = b.post("/api/evaluations/runs", "{\"dataset\":\"" + theirs + "\"}");
            assertThat(other.status()).as("another tenant's cap is its own: " + other.body()).isEqualTo(201);
            b.post("/api/evaluations/runs/" + other.json().get("id").asString() + "/cancel", "");
            a.post("/api/evaluations/runs/" + runs.removeFirst() + "/cancel", "");
            runs.add(created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\"}")));
        } finally {
            runs.forEach(id -> a.post("/api/evaluations/runs/" + id + "/cancel", ""));
        }
    }

    @Test
    default void dream_jobs_are_capped_per_job_and_per_tenant() {
        TestClient a = server().a();
        assertProblem(a.post("/api/synthesis/dreams", "{\"tasks\":[\"c1\",\"c2\",\"c3\"],\"rolloutsPerTask\":3}"), 400,
                "more than casebook.synthesis.max-rollouts (8)");
        String first = created(a.post("/api/synthesis/dreams", "{\"tasks\":[\"c1\",\"c2\"],\"rolloutsPerTask\":4}"));
        try {
            assertProblem(a.post("/api/synthesis/dreams", "{\"tasks\":[\"c3\"],\"rolloutsPerTask\":5}"), 429,
                    "tenant 'tenant-a' has 8 dream rollouts not finished yet; this asks for 5 more (its rollout"
                            + " budget: 1 tasks x 5 rollouts), which would pass"
                            + " casebook.synthesis.max-tenant-rollouts (12)");
        } finally {
            a.post("/api/synthesis/dreams/" + first + "/cancel", "");
        }
    }

    @Test
    default void sandbox_task_jobs_are_capped_per_job_and_per_tenant() {
        TestClient a = server().a();
        assertProblem(a.post("/api/synthesis/sandbox-tasks", "{\"domain\":\"caps\",\"tasks\":3,\"rolloutsPerTask\":3}"),
                400, "this asks for 15 sandbox task items (3 tasks x (1 generation + 3 rollouts + 1 group)), more"
                        + " than casebook.sandbox-tasks.max-items (9)");
        String first = created(a.post("/api/synthesis/sandbox-tasks",
                "{\"domain\":\"caps\",\"tasks\":2,\"rolloutsPerTask\":2}"));
        try {
            assertProblem(a.post("/api/synthesis/sandbox-tasks", "{\"domain\":\"caps\",\"tasks\":2,\"rolloutsPerTask\":2}"),
                    429, "tenant 'tenant-a' has 8 sandbox task items not finished yet; this asks for 8 more"
                            + " (2 tasks x (1 generation + 2 rollouts + 1 group)), which would pass"
                            + " casebook.sandbox-tasks.max-tenant-items (15)");
        } finally {
            a.post("/api/synthesis/sandbox-tasks/" + first + "/cancel", "");
        }
    }

    @Test
    default void a_sandbox_task_job_counts_its_group_items_against_the_job_cap() {
        // 3 x (1 + 2) = 9 items without the group items would fit max-items (9); with them the job runs 12
        assertProblem(server().a().post("/api/synthesis/sandbox-tasks",
                        "{\"domain\":\"group caps\",\"tasks\":3,\"rolloutsPerTask\":2}"),
                400, "this asks for 12 sandbox task items (3 tasks x (1 generation + 2 rollouts + 1 group)), more"
                        + " than casebook.sandbox-tasks.max-items (9)");
    }

    /**
     * A given task is verified in the sandbox without a model, so its job gets past its generation (the rollout then
     * waits for the model, which never answers) and holds a rollout and a group item not finished.
     */
    @Test
    default void the_tenant_cap_counts_the_unfinished_group_items_of_a_running_sandbox_task_job() {
        TestClient a = server().a();
        List<String> jobs = new ArrayList<>();
        try {
            String running = created(a.post("/api/synthesis/sandbox-tasks", "{\"domain\":\"group tenant caps\","
                    + "\"rolloutsPerTask\":1,\"memoryMode\":\"off\",\"given\":[" + SUM_TASK + "]}"));
            jobs.add(running);
            JsonNode generated = eventually("the given task of job " + running + " to be kept",
                    () -> a.get("/api/synthesis/sandbox-tasks/" + running).json(),
                    job -> job.get("tasks").get("generated").asInt() == 1);
            assertThat(generated.get("tasks").get("kept").asInt()).as(generated.toString()).isEqualTo(1);
            jobs.add(created(a.post("/api/synthesis/sandbox-tasks",
                    "{\"domain\":\"group tenant caps\",\"tasks\":1,\"rolloutsPerTask\":7}")));

            // 2 (a rollout and a group item) + 9 (the waiting job) + 5 = 16; without the group item it would be 15
            assertProblem(a.post("/api/synthesis/sandbox-tasks",
                            "{\"domain\":\"group tenant caps\",\"tasks\":1,\"rolloutsPerTask\":3}"),
                    429, "tenant 'tenant-a' has 11 sandbox task items not finished yet; this asks for 5 more"
                            + " (1 tasks x (1 generation + 3 rollouts + 1 group)), which would pass"
                            + " casebook.sandbox-tasks.max-tenant-items (15)");
        } finally {
            jobs.forEach(id -> a.post("/api/synthesis/sandbox-tasks/" + id + "/cancel", ""));
        }
    }

    private void resumeRefused(TestClient client, String path, String detailPart) {
        assertProblem(client.post(path + "/resume", ""), 429, detailPart);
    }

    @Test
    default void resuming_an_evaluation_run_is_held_to_the_tenants_cap() {
        TestClient a = server().a();
        String four = upload(a, 4);
        List<String> runs = new ArrayList<>();
        try {
            String resting = created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"concurrency\":1}"));
            runs.add(resting);
            assertThat(a.post("/api/evaluations/runs/" + resting + "/cancel", "").status()).isEqualTo(200);
            runs.add(created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"concurrency\":1}")));
            String last = created(a.post("/api/evaluations/runs", "{\"dataset\":\"" + four + "\",\"concurrency\":1}"));
            runs.add(last);

            resumeRefused(a, "/api/evaluations/runs/" + resting, "tenant 'tenant-a' has 8 evaluation items not finished"
                    + " yet; resuming evaluation run '" + resting + "' asks for its 4 unfinished evaluation items, which"
                    + " would pass casebook.evaluation.max-tenant-items (10)");
            assertThat(a.get("/api/evaluations/runs/" + resting).json().get("status").asString()).isEqualTo("cancelled");

            a.post("/api/evaluations/runs/" + last + "/cancel", "");
            TestClient.Reply resumed = a.post("/api/evaluations/runs/" + resting + "/resume", "");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        } finally {
            runs.forEach(id -> a.post("/api/evaluations/runs/" + id + "/cancel", ""));
        }
    }

    @Test
    default void resuming_a_dream_job_is_held_to_the_tenants_cap() {
        TestClient a = server().a();
        List<String> jobs = new ArrayList<>();
        try {
            String resting = created(a.post("/api/synthesis/dreams", "{\"tasks\":[\"r1\",\"r2\"],\"rolloutsPerTask\":4}"));
            jobs.add(resting);
            assertThat(a.post("/api/synthesis/dreams/" + resting + "/cancel", "").status()).isEqualTo(200);
            String other = created(a.post("/api/synthesis/dreams", "{\"tasks\":[\"r3\"],\"rolloutsPerTask\":5}"));
            jobs.add(other);

            resumeRefused(a, "/api/synthesis/dreams/" + resting, "tenant 'tenant-a' has 5 dream rollouts not finished"
                    + " yet; resuming dream job '" + resting + "' asks for its 8 unfinished dream rollouts, which would"
                    + " pass casebook.synthesis.max-tenant-rollouts (12)");

            a.post("/api/synthesis/dreams/" + other + "/cancel", "");
            TestClient.Reply resumed = a.post("/api/synthesis/dreams/" + resting + "/resume", "");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        } finally {
            jobs.forEach(id -> a.post("/api/synthesis/dreams/" + id + "/cancel", ""));
        }
    }

    @Test
    default void resuming_a_sandbox_task_job_is_held_to_the_tenants_cap() {
        TestClient a = server().a();
        List<String> jobs = new ArrayList<>();
        try {
            String resting = created(a.post("/api/synthesis/sandbox-tasks",
                    "{\"domain\":\"resume caps\",\"tasks\":2,\"rolloutsPerTask\":2}"));
            jobs.add(resting);
            assertThat(a.post("/api/synthesis/sandbox-tasks/" + resting + "/cancel", "").status()).isEqualTo(200);
            String other = created(a.post("/api/synthesis/sandbox-tasks",
                    "{\"domain\":\"resume caps\",\"tasks\":2,\"rolloutsPerTask\":2}"));
            jobs.add(other);

            resumeRefused(a, "/api/synthesis/sandbox-tasks/" + resting, "tenant 'tenant-a' has 8 sandbox task items"
                    + " not finished yet; resuming sandbox task job '" + resting + "' asks for its 8 unfinished sandbox"
                    + " task items, which would pass casebook.sandbox-tasks.max-tenant-items (15)");

            a.post("/api/synthesis/sandbox-tasks/" + other + "/cancel", "");
            TestClient.Reply resumed = a.post("/api/synthesis/sandbox-tasks/" + resting + "/resume", "");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        } finally {
            jobs.forEach(id -> a.post("/api/synthesis/sandbox-tasks/" + id + "/cancel", ""));
        }
    }
}
