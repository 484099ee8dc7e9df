package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.insight.Insight;
import dev.casebook.testkit.http.TestClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression test of tenant isolation (it held when the server was attacked): for every {@code /api} route with an
 * {@code {id}}, read from the handler mappings, another tenant gets 404 for this tenant's resource of that kind,
 * and no list shows it. A new kind of resource must be added here, or the test fails.
 */
interface TenancyTests {

    EdgeServer server();

    ApiRoutes routes();

    private static String id(TestClient.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isBetween(200, 299);
        return reply.json().get("id").asString();
    }

    /** Where a tenant names its case banks: {@code PATCH /api/cases/banks/{name}}. */
    String BANKS = "/api/cases/banks/";

    @Test
    default void no_route_shows_or_changes_one_tenants_resources_for_another() {
        TestClient a = server().a();
        TestClient b = server().b();
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("/api/tasks/", id(a.post("/api/tasks", "{\"text\":\"tenant a's secret task\"}")));
        ids.put("/api/cases/", id(a.post("/api/cases", "{\"task\":\"tenant a's secret case\",\"reward\":1}")));
        TestClient.Reply upload = a.upload("/api/evaluations/datasets", "secret.jsonl",
                "{\"id\":\"s1\",\"question\":\"Secret?\",\"answers\":[\"a\"]}\n");
        ids.put("/api/evaluations/runs/", id(a.post("/api/evaluations/runs", "{\"dataset\":\""
                + upload.json().get("dataset").asString() + "\"}")));
        ids.put("/api/synthesis/dreams/", id(a.post("/api/synthesis/dreams",
                "{\"tasks\":[\"a secret dream\"],\"rolloutsPerTask\":1}")));
        ids.put("/api/synthesis/sandbox-tasks/", id(a.post("/api/synthesis/sandbox-tasks",
                "{\"domain\":\"secrets\",\"tasks\":1,\"rolloutsPerTask\":1}")));
        // insights are distilled, never posted: one for tenant a straight into the server's store
        float[] centroid = new float[server().insightStore.dimension()];
        centroid[0] = 1;
        ids.put("/api/memory/insights/", server().insightStore.save(Insight.of("tenant-a", "default", "secrets",
                "For tenant a's secret tasks, do X.", centroid, 3, 2, 1, List.of())).id().toString());
        try {
            List<String> leaks = new ArrayList<>();
            for (ApiRoutes.Route route : routes().routes()) {
                if (!route.pattern().contains("{") || route.pattern().startsWith(BANKS)) {
                    continue; // bank names are each tenant's own: checked below
                }
                String prefix = ids.keySet().stream().filter(route.pattern()::startsWith).findFirst()
                        .orElseThrow(() -> new AssertionError("no resource of the kind of " + route + " is created"
                                + " here: add one to this test"));
                String path = route.path(ids.get(prefix));
                String body = route.hasBody() ? bodyFor(route) : null;
                TestClient.Reply theirs = b.method(route.method(), path, body);
                if (theirs.status() != 404) {
                    leaks.add(route + " -> " + theirs.status() + " " + theirs.body());
                }
                if (route.method().equals("GET") && !route.pattern().endsWith("/events")) {
                    TestClient.Reply own = a.get(path);
                    assertThat(own.status()).as(route + " for the owner: " + own.body()).isEqualTo(200);
                }
            }
            String run = ids.get("/api/evaluations/runs/");
            TestClient.Reply compare = b.get("/api/evaluations/compare?a=" + run + "&b=" + run);
            if (compare.status() != 404) {
                leaks.add("compare -> " + compare.status() + " " + compare.body());
            }
            for (String list : new String[] {"/api/tasks?size=200", "/api/cases?size=100", "/api/evaluations/runs",
                    "/api/synthesis/dreams", "/api/synthesis/sandbox-tasks", "/api/cases/export",
                    "/api/memory/insights"}) {
                String seen = b.get(list).body();
                ids.values().stream().filter(seen::contains).forEach(id -> leaks.add(list + " shows " + id));
            }
            // a bank's name is a tenant's own: the other tenant naming it changes a bank of its own, never this one's
            String bank = "secret-bank-" + ids.get("/api/cases/");
            assertThat(a.method("PATCH", BANKS + bank, "{\"readOnly\":true}").status()).isEqualTo(200);
            assertThat(b.method("PATCH", BANKS + bank, "{\"readOnly\":false}").status()).isEqualTo(200);
            if (!readOnly(a, bank)) {
                leaks.add("PATCH " + BANKS + bank + " by another tenant made this tenant's bank writable");
            }
            assertThat(leaks).as("another tenant's answers").isEmpty();
        } finally {
            a.post("/api/tasks/" + ids.get("/api/tasks/") + "/cancel", "");
            a.post("/api/evaluations/runs/" + ids.get("/api/evaluations/runs/") + "/cancel", "");
            a.post("/api/synthesis/dreams/" + ids.get("/api/synthesis/dreams/") + "/cancel", "");
            a.post("/api/synthesis/sandbox-tasks/" + ids.get("/api/synthesis/sandbox-tasks/") + "/cancel", "");
        }
    }

    private static boolean readOnly(TestClient client, String bank) {
        for (var item : client.get("/api/cases/banks").json().get("items")) {
            if (item.get("name").asString().equals(bank)) {
                return item.get("readOnly").asBoolean();
            }
        }
        throw new AssertionError("bank " + bank + " is not listed for its tenant");
    }

    private static String bodyFor(ApiRoutes.Route route) {
        if (route.pattern().endsWith("/feedback")) {
            return "{\"reward\":1}";
        }
        return route.method().equals("PATCH") ? "{\"label\":\"positive\"}" : "{}";
    }
}
