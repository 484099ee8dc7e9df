package dev.casebook.systemtest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The official OpenAI JavaScript SDK, run by node through {@code src/test/node/openai-client.cjs}: each call is one
 * SDK scenario against the server, answered as JSON. The SDK comes from the npm registry through
 * {@code scripts/setup-openai-client.sh} (which {@code ./casebook test} runs) into {@code .casebook/openai-node}.
 */
record NodeOpenAiClient(String baseUrl, String key) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The repository root (src-test's parent), where the SDK is installed. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("src-test")) ? here : here.getParent();
    }

    static Path sdk() {
        Path sdk = root().resolve(".casebook/openai-node/node_modules");
        if (!Files.isRegularFile(sdk.resolve("openai/package.json"))) {
            throw new IllegalStateException(sdk + " has no openai package: run scripts/setup-openai-client.sh "
                    + "(./casebook test runs it)");
        }
        return sdk;
    }

    JsonNode run(String command, Object argument) throws IOException, InterruptedException {
        Path script = root().resolve("src-test/src/test/node/openai-client.cjs");
        Path out = Files.createTempFile("openai-client-", ".json");
        Path err = Files.createTempFile("openai-client-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), command,
                    JSON.writeValueAsString(argument)).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("NODE_PATH", sdk().toString());
            pb.environment().put("CASEBOOK_BASE_URL", baseUrl);
            pb.environment().put("CASEBOOK_KEY", key);
            Process node = pb.start();
            if (!node.waitFor(180, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("node " + command + " did not finish within 180 s");
            }
            if (node.exitValue() != 0) {
                throw new AssertionError("node " + command + " failed (" + node.exitValue() + "): "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
