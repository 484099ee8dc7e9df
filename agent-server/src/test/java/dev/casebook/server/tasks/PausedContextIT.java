package dev.casebook.server.tasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A context that is paused and restarted (as Spring's test context cache does with an idle one) still runs tasks:
 * the task queue and the batch runners are not pauseable, since stopping them ends their threads for good (a task
 * submitted after the restart was refused with a 500, RejectedExecutionException).
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:paused;DB_CLOSE_DELAY=-1", "casebook.memory.store=none"})
class PausedContextIT {
    private static final Pattern ENDED = Pattern.compile("(?i)\"status\"\\s*:\\s*\"(failed|completed|cancelled)\"");

    @LocalServerPort
    int port;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void a_task_submitted_after_the_context_was_paused_and_restarted_runs_to_its_end() throws Exception {
        context.pause();
        context.restart();

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/tasks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"after a pause\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        assertThat(id.find()).as(created.body()).isTrue();

        // no model is configured: the task ends failed (no_model_configured), which takes a run on the task runner
        String body = eventually("task " + id.group(1) + " to end", () -> send(HttpRequest.newBuilder(
                uri("/api/tasks/" + id.group(1))).GET()).body(), b -> ENDED.matcher(b).find());
        assertThat(body).containsPattern("(?i)\"status\"\\s*:\\s*\"failed\"").contains("no_model_configured");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
