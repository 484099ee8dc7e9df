package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Auth and the body limit cannot be passed by spelling {@code /api} another way that Spring MVC still routes:
 * percent-encoded ({@code /%61pi/...}) or with {@code ;} parameters ({@code /api;x=1/...}), for every route.
 */
interface PathSpellingTests {
    List<String> SPELLINGS = List.of("/%61pi", "/%61%70%69", "/api;x=1", "/api;", "/%61pi;jsessionid=1");

    EdgeServer server();

    ApiRoutes routes();

    @Test
    default void every_api_route_refuses_every_spelling_of_its_path_without_a_key() {
        List<ApiRoutes.Route> routes = routes().routes();
        assertThat(routes).as("the API's routes, read from the handler mappings").hasSizeGreaterThan(40);
        List<String> passed = new ArrayList<>();
        for (ApiRoutes.Route route : routes) {
            String path = route.path("x1").substring("/api".length());
            for (String spelling : SPELLINGS) {
                TestClient.Reply reply = server().anonymous().method(route.method(), spelling + path,
                        route.hasBody() ? "{}" : null);
                if (reply.status() != 401 || !reply.contentType().startsWith("application/problem+json")) {
                    passed.add(route.method() + " " + spelling + path + " -> " + reply.status() + " " + reply.body());
                }
            }
        }
        assertThat(passed).as("requests without a key that were not refused 401").isEmpty();
    }

    @Test
    default void the_other_spellings_do_reach_the_routes_with_a_key() {
        for (String spelling : SPELLINGS) {
            TestClient.Reply status = server().a().get(spelling + "/status");
            assertThat(status.status()).as(spelling + ": " + status.body()).isEqualTo(200);
            assertThat(status.json().get("auth").asString()).isEqualTo("api-key");
        }
    }

    @Test
    default void the_body_limit_holds_for_every_spelling_of_the_path() {
        String big = "{\"text\":\"" + "x".repeat(EdgeServer.MAX_BODY + 100) + "\"}";
        for (String spelling : SPELLINGS) {
            EdgeServer.assertProblem(server().a().post(spelling + "/tasks", big), 413,
                    "more than the limit of " + EdgeServer.MAX_BODY);
            EdgeServer.assertProblem(server().anonymous().post(spelling + "/evaluations/score?scorer=judge", big),
                    413, "more than the limit of " + EdgeServer.MAX_BODY);
        }
    }
}
