package dev.casebook.server.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.inference.DeviceUnavailableException;
import dev.casebook.server.CasebookApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code casebook.inference.device}: where the server's models run, said at start-up and in {@code /api/status}. */
@ExtendWith(OutputCaptureExtension.class)
class InferenceWiringIT {

    private static ConfigurableApplicationContext start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:inference-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--casebook.memory.store=lucene",
                "--casebook.memory.dir=" + Files.createTempDirectory("inference-cases"),
                "--casebook.memory.learned.checkpoint-dir=" + Files.createTempDirectory("inference-policy")));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(CasebookApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void says_where_each_model_runs_at_start_up_and_in_the_status(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = start("--casebook.memory.policy=learned",
                "--casebook.inference.device=auto")) {
            assertThat(output).contains("Models: inference device auto: embeddings all-minilm-l6-v2-q on "
                    + "OnnxRuntime 1.21.1 cpu(); policy casebook-q on PyTorch 2.7.1 cpu()");

            JsonNode inference = status(context).path("inference");
            assertThat(inference.path("device").asText()).isEqualTo("auto");
            JsonNode embeddings = inference.path("models").path("embeddings");
            assertThat(embeddings.path("model").asText()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(embeddings.path("engine").asText()).isEqualTo("OnnxRuntime");
            assertThat(embeddings.path("engineVersion").asText()).isEqualTo("1.21.1");
            assertThat(embeddings.path("device").asText()).isEqualTo("cpu()");
            JsonNode policy = inference.path("models").path("policy");
            assertThat(policy.path("engine").asText()).isEqualTo("PyTorch");
            assertThat(policy.path("engineVersion").asText()).isEqualTo("2.7.1");
            assertThat(policy.path("device").asText()).isEqualTo("cpu()");
        }
    }

    @Test
    void a_gpu_that_is_not_there_stops_the_start_naming_what_was_found() {
        assertThatThrownBy(() -> start("--casebook.inference.device=gpu:3").close())
                .rootCause()
                .isInstanceOf(DeviceUnavailableException.class)
                .hasMessageStartingWith("the inference device is gpu:3 (casebook.inference.device), but the "
                        + "OnnxRuntime engine 1.21.1 found only cpu(): ");
    }

    @Test
    void a_device_setting_of_another_form_stops_the_start_naming_the_accepted_forms() {
        assertThatThrownBy(() -> start("--casebook.inference.device=cuda").close())
                .rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'cuda' is not one of auto, cpu, gpu, gpu:N (N = 0, 1, ...)");
    }

    private static JsonNode status(ConfigurableApplicationContext context) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
