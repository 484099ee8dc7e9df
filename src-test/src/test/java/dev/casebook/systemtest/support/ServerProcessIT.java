package dev.casebook.systemtest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The harness itself: the built server as a process, started, health-checked, stopped and killed. One server serves
 * the class (a start-up is the expensive part); the test that kills it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerProcessIT {
    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = ServerProcess.builder("harness").start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void starts_the_built_server_on_a_free_port_and_serves_the_web_ui() {
        HttpResponse<String> health = server.get("/actuator/health");
        HttpResponse<String> index = server.get("/");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<title>Casebook");
        assertThat(server.port()).isPositive();
        assertThat(server.logText()).contains("Started CasebookApplication")
                .contains("--server.port=0") // bound by the server itself: nobody can take the port in between
                .contains("Casebook is ready: open " + server.baseUrl() + "/");
        assertThat(server.dataDir()).isDirectory();
    }

    @Test
    @Order(2)
    void kill_ends_the_process_at_once() {
        server.kill();

        assertThat(server.isAlive()).isFalse();
        assertThat(ProcessHandle.of(server.pid())).isEmpty();
    }

    @Test
    void a_server_that_cannot_start_fails_with_its_log() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            // lazy beans: the server reaches the point where it binds its port sooner; it fails there all the same
            assertThatThrownBy(() -> ServerProcess.builder("port-taken").port(taken.getLocalPort())
                    .property("spring.main.lazy-initialization", "true").start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }
}
