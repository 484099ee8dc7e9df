package dev.casebook.server.security;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.server.CasebookApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** Auth may be off only on the embedded database with a loopback address; anything else refuses to start. */
class AuthOffGuardIT {

    private static void start(String address, String url) {
        new SpringApplicationBuilder(CasebookApplication.class)
                .run("--server.port=0", "--server.address=" + address, "--spring.datasource.url=" + url,
                        "--casebook.security.enabled=false")
                .close();
    }

    @Test
    void refuses_auth_off_on_a_public_address() {
        assertThatThrownBy(() -> start("0.0.0.0", "jdbc:h2:mem:guard1;DB_CLOSE_DELAY=-1"))
                .hasMessage("casebook.security.enabled=false is only allowed when the server listens on a "
                        + "loopback address (server.address=127.0.0.1), but server.address is '0.0.0.0'. Turn auth "
                        + "on and configure casebook.security.api-keys.");
    }

    @Test
    void refuses_auth_off_on_postgresql() {
        assertThatThrownBy(() -> start("127.0.0.1", "jdbc:postgresql://127.0.0.1:1/none"))
                .hasMessageContaining("only allowed on the embedded default database");
    }
}
