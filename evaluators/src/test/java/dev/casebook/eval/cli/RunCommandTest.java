package dev.casebook.eval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void an_unreachable_server_is_named_with_the_reason() throws IOException {
        // bound but not listening: connections are refused, and no other process can take the port meanwhile
        try (Socket unreachable = new Socket()) {
            unreachable.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            String server = "http://127.0.0.1:" + unreachable.getLocalPort();

            int status = RunCommand.run(new String[] {"--server", server, "--dataset", "/data/questions.jsonl"},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(status).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8).strip())
                    .isEqualTo("eval: cannot reach " + server + ": connection refused");
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }
}
