package dev.casebook.tools.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.testing.LocalHttpServer;
import dev.casebook.tools.documents.DocumentReader;
import dev.casebook.tools.documents.DocumentSettings;
import dev.casebook.tools.documents.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageFetchToolTest {
    private static final ToolContext CONTEXT = new ToolContext("acme", "t1", List.of(), Duration.ofSeconds(30));
    private static final String PAGE = """
            <html><head><title>Casebook test page</title><style>body{color:red}</style></head>
            <body><nav>menu menu</nav><h1>Cases</h1><p>A case is a <b>task</b> with its outcome.</p>
            <script>var secret = 'do not show';</script>
            <ul><li>first</li><li>second</li></ul><a href="/next">next page</a></body></html>""";

    private final LocalHttpServer server = LocalHttpServer.start();
    private final LocalHttpServer other = LocalHttpServer.start();

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    private static ToolResult fetch(PageFetchTool tool, String url) {
        return tool.execute(new ToolInvocation("{\"url\":\"" + url + "\"}", CONTEXT));
    }

    private PageFetchTool publicOnly() {
        return new PageFetchTool(PageFetchSettings.defaults());
    }

    private PageFetchTool allowing(String... destinations) {
        return new PageFetchTool(PageFetchSettings.defaults().withNetwork(new NetworkPolicy(List.of(destinations))));
    }

    @Test
    void refuses_loopback_ipv4_without_connecting() {
        server.respond("/", 200, "text/plain", "secret");

        ToolResult result = fetch(publicOnly(), server.url("127.0.0.1") + "/");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).isEqualTo("refused to fetch " + server.url("127.0.0.1")
                + "/: 127.0.0.1 is a loopback address; this tool only reaches public internet addresses");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void refuses_plain_127_0_0_1_on_the_default_port() {
        ToolResult result = fetch(publicOnly(), "http://127.0.0.1");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("127.0.0.1 is a loopback address");
    }

    @Test
    void refuses_loopback_ipv6() {
        ToolResult result = fetch(publicOnly(), "http://[::1]");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).isEqualTo(
                "refused to fetch http://[::1]: ::1 (0:0:0:0:0:0:0:1) is a loopback address; this tool only reaches public internet addresses");
    }

    @Test
    void refuses_the_cloud_metadata_address() {
        ToolResult result = fetch(publicOnly(), "http://169.254.169.254/latest/meta-data/");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("169.254.169.254 is a cloud metadata address");
    }

    @Test
    void refuses_a_host_name_that_resolves_to_a_private_address() {
        server.respond("/", 200, "text/plain", "secret");

        ToolResult plain = fetch(publicOnly(), server.url("localhost") + "/");
        ToolResult dotted = fetch(publicOnly(), server.url("localhost.") + "/");

        assertThat(plain).isInstanceOf(ToolResult.Failed.class);
        assertThat(plain.text()).contains("localhost (127.0.0.1) is a loopback address");
        assertThat(dotted).isInstanceOf(ToolResult.Failed.class);
        assertThat(dotted.text()).contains("is a loopback address");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void refuses_a_redirect_to_a_private_address_even_when_the_first_hop_is_allowed() {
        server.redirect("/go", other.url("localhost") + "/secret");
        other.respond("/secret", 200, "text/plain", "internal secret");

        ToolResult result = fetch(allowing("127.0.0.1:" + server.port()), server.url("127.0.0.1") + "/go");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).isEqualTo("refused to fetch " + other.url("localhost")
                + "/secret: localhost (127.0.0.1) is a loopback address; this tool only reaches public internet addresses");
        assertThat(server.requests()).containsExactly("GET /go");
        assertThat(other.requests()).isEmpty();
    }

    @Test
    void refuses_a_redirect_to_the_metadata_address() {
        server.redirect("/go", "http://169.254.169.254/latest/meta-data/");

        ToolResult result = fetch(allowing("127.0.0.1:" + server.port()), server.url("127.0.0.1") + "/go");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("169.254.169.254 is a cloud metadata address");
    }

    @Test
    void fetches_an_allowed_page_as_readable_text() {
        server.respond("/page", 200, "text/html; charset=utf-8", PAGE);

        ToolResult result = fetch(allowing("127.0.0.1:" + server.port()), server.url("127.0.0.1") + "/page");

        assertThat(result).isInstanceOf(ToolResult.Ok.class);
        assertThat(result.text())
                .startsWith("URL: " + server.url("127.0.0.1") + "/page\n\nTitle: Casebook test page")
                .contains("# Cases", "A case is a task with its outcome.", "- first", "- second",
                        "next page <" + server.url("127.0.0.1") + "/next>")
                .doesNotContain("do not show", "color:red", "menu menu");
    }

    @Test
    void follows_redirects_between_allowed_destinations() {
        server.redirect("/old", other.url("127.0.0.1") + "/new");
        other.respond("/new", 200, "text/plain; charset=utf-8", "moved here");

        ToolResult result = fetch(allowing("127.0.0.1"), server.url("127.0.0.1") + "/old");

        assertThat(result).isEqualTo(ToolResult.ok("URL: " + other.url("127.0.0.1") + "/new\n\nmoved here"));
    }

    @Test
    void reports_http_errors_as_text_for_the_model() {
        server.respond("/missing", 404, "text/plain", "nope");

        ToolResult result = fetch(allowing("127.0.0.1"), server.url("127.0.0.1") + "/missing");

        assertThat(result).isEqualTo(ToolResult.failed("HTTP 404 Not Found for " + server.url("127.0.0.1") + "/missing"));
    }

    @Test
    void returns_json_as_it_is_and_refuses_binary_content() {
        server.respond("/data.json", 200, "application/json", "{\"answer\":42}");
        server.respond("/blob", 200, "application/octet-stream", "\u0001\u0002");
        PageFetchTool tool = allowing("127.0.0.1");

        assertThat(fetch(tool, server.url("127.0.0.1") + "/data.json").text()).endsWith("\n\n{\"answer\":42}");
        assertThat(fetch(tool, server.url("127.0.0.1") + "/blob")).isEqualTo(ToolResult.failed(
                "the content type application/octet-stream of " + server.url("127.0.0.1")
                        + "/blob is not text this tool can read"));
    }

    @Test
    void cuts_bodies_at_the_byte_limit_and_pages_long_text() {
        server.respond("/big", 200, "text/plain", "x".repeat(50_000));
        PageFetchTool tool = new PageFetchTool(PageFetchSettings.defaults().withMaxBytes(30_000)
                .withNetwork(new NetworkPolicy(List.of("127.0.0.1"))));

        ToolResult first = fetch(tool, server.url("127.0.0.1") + "/big");
        ToolResult second = tool.execute(new ToolInvocation(
                "{\"url\":\"" + server.url("127.0.0.1") + "/big\",\"offset\":20000}", CONTEXT));

        assertThat(first.text()).contains("(the response was larger than 30000 bytes; only its beginning was read)",
                "(characters 0-20000 of 30000; call again with offset=20000 for more)");
        assertThat(first.text()).endsWith("\n\n" + "x".repeat(20_000));
        assertThat(second.text()).contains("(characters 20000-30000 of 30000)").endsWith("\n\n" + "x".repeat(10_000));
    }

    @Test
    void gives_up_on_a_server_that_answers_too_slowly() {
        server.on("/slow", exchange -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LocalHttpServer.send(exchange, 200, "text/plain", "late");
        });
        PageFetchTool tool = new PageFetchTool(PageFetchSettings.defaults().withTimeout(Duration.ofMillis(500))
                .withNetwork(new NetworkPolicy(List.of("127.0.0.1"))));

        assertThat(fetch(tool, server.url("127.0.0.1") + "/slow"))
                .isEqualTo(ToolResult.failed("timed out fetching " + server.url("127.0.0.1") + "/slow"));
    }

    @Test
    void reads_a_served_pdf_through_the_document_reader(@TempDir Path dir) throws Exception {
        byte[] pdf = Files.readAllBytes(Fixtures.pdf(dir.resolve("a.pdf"), List.of("Served PDF text")));
        server.on("/paper.pdf", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/pdf");
            exchange.sendResponseHeaders(200, pdf.length);
            exchange.getResponseBody().write(pdf);
        });
        DocumentReader documents = new DocumentReader(DocumentSettings.defaults());
        PageFetchTool tool = new PageFetchTool(PageFetchSettings.defaults()
                .withNetwork(new NetworkPolicy(List.of("127.0.0.1"))), documents.forDownloads());

        ToolResult result = fetch(tool, server.url("127.0.0.1") + "/paper.pdf");

        assertThat(result).isEqualTo(ToolResult.ok("URL: " + server.url("127.0.0.1")
                + "/paper.pdf\n\n--- page 1 ---\nServed PDF text"));
    }

    @Test
    void refuses_other_schemes() {
        assertThat(fetch(publicOnly(), "file:///etc/passwd"))
                .isEqualTo(ToolResult.failed("only http and https URLs can be fetched, not 'file:///etc/passwd'"));
        assertThat(fetch(publicOnly(), "ftp://example.com/x"))
                .isEqualTo(ToolResult.failed("only http and https URLs can be fetched, not 'ftp://example.com/x'"));
    }
}
