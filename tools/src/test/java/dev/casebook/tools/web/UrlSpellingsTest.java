package dev.casebook.tools.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.testing.LocalHttpServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression test of the SSRF probes that held: spellings of a loopback or unspecified address in a URL (short and
 * numeric IPv4 forms, IPv4-mapped IPv6, a trailing dot, upper case, user info before the host) are refused before
 * anything connects to the server listening there.
 */
class UrlSpellingsTest {
    private static final ToolContext CONTEXT = new ToolContext("acme", "t1", List.of(), Duration.ofSeconds(30));
    private static final LocalHttpServer SERVER = LocalHttpServer.start().respond("/", 200, "text/plain", "secret");

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:PORT/", "http://localhost:PORT/", "http://LOCALHOST:PORT/",
            "http://localhost.:PORT/", "http://127.1:PORT/", "http://127.0.1:PORT/", "http://2130706433:PORT/",
            "http://0.0.0.0:PORT/", "http://0:PORT/", "http://[::1]:PORT/", "http://[::]:PORT/",
            "http://[::ffff:127.0.0.1]:PORT/", "http://[0:0:0:0:0:ffff:7f00:1]:PORT/", "http://[::ffff:7f00:1]:PORT/",
            "http://[::127.0.0.1]:PORT/", "http://user:secret@127.0.0.1:PORT/", "http://example.com@127.0.0.1:PORT/",
            "http://127.0.0.1:PORT/%2e%2e/admin", "HTTP://127.0.0.1:PORT/", "http://127.000.000.001:PORT/",
            "http://[0000::1]:PORT/"})
    void refuses_every_spelling_of_a_local_address_before_connecting(String spelling) {
        String url = spelling.replace("PORT", String.valueOf(SERVER.port()));
        ToolResult result = new PageFetchTool(PageFetchSettings.defaults())
                .execute(new ToolInvocation("{\"url\":\"" + url + "\"}", CONTEXT));
        assertThat(result).as(result.text()).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).doesNotContain("secret");
        assertThat(SERVER.requests()).isEmpty();
    }
}
