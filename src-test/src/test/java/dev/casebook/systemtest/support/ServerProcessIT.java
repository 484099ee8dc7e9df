package dev.casebook.systemtest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The harness itself: the built server as a process, started, health-checked, stopped and killed. */
class ServerProcessIT {

    @Test
    void starts_the_built_server_on_a_free_port_and_serves_the_web_ui() {
        try (ServerProcess server = ServerProcess.builder("harness").start()) {
            HttpResponse<String> health = server.get("/actuator/health");
            HttpResponse<String> index = server.get("/");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("<title>Casebook");
            assertThat(server.logText()).contains("Started CasebookApplication");
            assertThat(server.dataDir()).isDirectory();
        }
    }

    @Test
    void kill_ends_the_process_at_once() {
        ServerProcess server = ServerProcess.builder("killed").start();
        server.kill();

        assertThat(server.isAlive()).isFalse();
        assertThat(ProcessHandle.of(server.pid())).isEmpty();
    }

    @Test
    void a_server_that_cannot_start_fails_with_its_log() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> ServerProcess.builder("port-taken").port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }
}
